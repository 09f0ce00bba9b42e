/**
 * The hub's forwarding path: frame slab, rings, stages (ESP decrypt, GRE decap, LPM with NHRP H routes, peer lookup, GRE encap, ESP encrypt) and the tables
 * the control plane publishes to.
 */
package net.dmvpnhub.dataplane;
