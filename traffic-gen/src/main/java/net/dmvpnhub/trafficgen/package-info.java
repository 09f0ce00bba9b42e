/**
 * The simulated world around the hub: the spokes ({@code spoke}), a network built from
 * configuration files ({@code lab}), scenario scripts ({@code scenario}), seeded traffic, and the
 * main job (the 10,000-spoke scale run) with its reports, charts, pcap export and replay.
 */
package net.dmvpnhub.trafficgen;
