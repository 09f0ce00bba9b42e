/**
 * ESP security associations, transforms (AES-GCM per RFC 4106, AES-CBC with HMAC-SHA-256) and the per-packet AEAD providers. Delivered by issue 3.
 */
package net.dmvpnhub.crypto;
