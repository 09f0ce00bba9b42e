/**
 * The simulated spokes (NHCs) of the DMVPN network: thousands of NHRP clients in one
 * struct-of-arrays agent ({@link net.dmvpnhub.trafficgen.spoke.Spokes}), each with its tunnel and NBMA
 * addresses, LAN, IPsec SAs, NHRP client state machine (RFC 2332 section 5.2) and its own routing
 * table with NHRP shortcut (H) routes, speaking to the hub only through real frames (NHRP or IPv4
 * in GRE in ESP in IPv4), and to each other through an in-process underlay.
 * <p>
 * {@link net.dmvpnhub.trafficgen.spoke.LockstepDriver} runs hub and spokes on one thread with a manual
 * clock, for deterministic tests; {@link net.dmvpnhub.nhrp.hub.LanRouteAdvertiser} stands for
 * the routing protocol that teaches the hub each spoke's LAN once the spoke registers.
 */
package net.dmvpnhub.trafficgen.spoke;
