/**
 * The hub's control plane and its operator view: the NHRP server (NHS) and the hub's assembly
 * ({@code hub}), IOS configuration ({@code config}), show commands ({@code show}), and the
 * simulated IKE exchange through which a spoke gets its SAs with the hub.
 */
package net.dmvpnhub.nhrp;
