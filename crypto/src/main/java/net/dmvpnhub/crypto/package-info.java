/**
 * ESP security associations, transforms (AES-GCM per RFC 4106, AES-CBC with HMAC-SHA-256) and the providers
 * that run them per packet (Intel multi-buffer crypto, OpenSSL, the JDK, Bouncy Castle).
 */
package net.dmvpnhub.crypto;
