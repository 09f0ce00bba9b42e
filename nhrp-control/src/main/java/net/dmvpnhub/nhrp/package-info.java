/**
 * The hub's NHRP server (NHS) agent and the simulated spokes (NHCs). Delivered by issue 6.
 */
package net.dmvpnhub.nhrp;
