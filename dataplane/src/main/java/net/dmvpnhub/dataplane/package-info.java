/**
 * The hub's forwarding path: frame slab, rings, stages (ESP decrypt, GRE decap, LPM with NHRP H routes, peer lookup, GRE encap, ESP encrypt) and the tables the control plane publishes to. Delivered by issues 4 and 5.
 */
package net.dmvpnhub.dataplane;
