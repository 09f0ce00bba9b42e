/**
 * Seeded spoke traffic, the 10k-spoke scale run and its reports. Delivered by issue 7.
 */
package net.dmvpnhub.trafficgen;
