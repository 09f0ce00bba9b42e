/**
 * Wire codecs of every header the hub touches: IPv4, GRE, ESP and NHRP, as Agrona-style
 * flyweights over {@link org.agrona.MutableDirectBuffer}. Decoders check each length against
 * the bytes present and return a {@link net.dmvpnhub.wire.DecodeStatus} instead of throwing.
 */
package net.dmvpnhub.wire;
