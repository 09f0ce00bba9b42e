package net.dmvpnhub.dataplane;

/**
 * A multicast packet handed to one worker to replicate ({@link Dataplane#injectMulticast}): the
 * slot holding the packet (the worker's own), the peers this worker makes copies for (those of the
 * multicast list published when the packet was handed over whose outbound SAs it owns, each
 * {@link HubTables#multicastPeer packed}; never changed once made), and whether this worker counts
 * the packet in {@link WorkerCounters#multicastPackets()} (one worker per packet does).
 */
record MulticastPacket(int slot, long[] peers, boolean primary)
{
}
