package net.dmvpnhub.dataplane.fib;

import net.dmvpnhub.dataplane.ReaderEpochs;
import org.agrona.collections.Object2IntHashMap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hub's IPv4 routing table: routes from several sources per prefix (the RIB, on the writer's
 * side), the best of each (lowest administrative distance) programmed into a {@link Dir24Fib},
 * and the adjacencies routes resolve to.
 * <p>
 * Threads: one writer (the control plane) adds and removes routes; dataplane threads call
 * {@link #lookup} and read adjacencies by id, lock-free. An adjacency id stays valid while any
 * prefix uses it and, once unused, until every reader was quiescent.
 */
public final class RoutingTable
{
    private final Dir24Fib fib;
    private final ReaderEpochs readers;

    // Adjacencies: readers index these arrays; only the writer grows or changes them.
    /** By adjacency id: its kind's ordinal at {@code 2 * id}, its next hop at {@code 2 * id + 1}, so a frame reads one cache line. */
    private volatile int[] adjacencyEntries = new int[2 * 64];
    private final Object2IntHashMap<Adjacency> adjacencyIds = new Object2IntHashMap<>(-1);
    private final List<Adjacency> adjacencies = new ArrayList<>();
    private int[] adjacencyUsers = new int[64];
    private final ArrayList<Integer> freeAdjacencies = new ArrayList<>();
    private final ArrayList<long[]> retiredAdjacencies = new ArrayList<>();

    // The RIB: every route per prefix, best first.
    private final Map<Long, List<Route>> rib = new HashMap<>();

    /**
     * @param readers quiescence of the dataplane threads; null when only the writer looks up.
     */
    public RoutingTable(final int initialTbl8Groups, final int maxTbl8Groups, final ReaderEpochs readers)
    {
        this.fib = new Dir24Fib(initialTbl8Groups, maxTbl8Groups, readers);
        this.readers = readers;
    }

    /**
     * A table for tests and tools: 256 tbl8 groups to start, growing to 65,536.
     */
    public RoutingTable()
    {
        this(256, 65_536, null);
    }

    /**
     * @return the adjacency id for {@code destination}, or {@link Dir24Fib#MISS}.
     */
    public int lookup(final int destination)
    {
        return fib.lookup(destination);
    }

    /**
     * @return the {@link Adjacency.Kind} ordinal of an adjacency id from {@link #lookup}.
     */
    public int adjacencyKind(final int adjacencyId)
    {
        return adjacencyEntries[2 * adjacencyId];
    }

    /**
     * @return the next-hop tunnel address of a {@link Adjacency.Kind#TUNNEL} adjacency.
     */
    public int adjacencyNextHop(final int adjacencyId)
    {
        return adjacencyEntries[2 * adjacencyId + 1];
    }

    /**
     * @return the adjacency an id stands for (cold path: show commands, tests).
     */
    public Adjacency adjacency(final int adjacencyId)
    {
        return adjacencies.get(adjacencyId);
    }

    public Dir24Fib fib()
    {
        return fib;
    }

    /**
     * Adds a route, or replaces the one from the same source for the same prefix.
     *
     * @return true when the prefix's best route changed.
     */
    public boolean add(final Route route)
    {
        final long key = key(route.prefix(), route.length());
        final List<Route> routes = rib.computeIfAbsent(key, k -> new ArrayList<>(2));
        final Route oldBest = routes.isEmpty() ? null : routes.get(0);
        routes.removeIf(r -> r.source() == route.source());
        int at = 0;
        while (at < routes.size() && routes.get(at).distance() <= route.distance())
        {
            at++;
        }
        routes.add(at, route);
        return program(route.prefix(), route.length(), oldBest, routes.get(0));
    }

    /**
     * Removes the route of {@code source} for the prefix; the next best takes over, or the
     * addresses fall back to a shorter prefix.
     *
     * @return false when there was no such route.
     */
    public boolean remove(final int prefix, final int length, final RouteSource source)
    {
        final int network = prefix & Dir24Fib.mask(length);
        final long key = key(network, length);
        final List<Route> routes = rib.get(key);
        if (routes == null)
        {
            return false;
        }
        final Route oldBest = routes.get(0);
        if (!routes.removeIf(r -> r.source() == source))
        {
            return false;
        }
        if (routes.isEmpty())
        {
            rib.remove(key);
            fib.delete(network, length);
            release(oldBest.adjacency());
            return true;
        }
        program(network, length, oldBest, routes.get(0));
        return true;
    }

    /**
     * Points the prefix's FIB entry at the new best route's adjacency, unless it already does.
     *
     * @return true when the best route changed.
     */
    private boolean program(final int prefix, final int length, final Route oldBest, final Route newBest)
    {
        if (oldBest != null && oldBest.adjacency().equals(newBest.adjacency()))
        {
            return oldBest != newBest;
        }
        fib.insert(prefix, length, acquire(newBest.adjacency()));
        if (oldBest != null)
        {
            release(oldBest.adjacency());
        }
        return true;
    }

    /**
     * @return every route for the prefix, best first (cold path).
     */
    public List<Route> routes(final int prefix, final int length)
    {
        final List<Route> routes = rib.get(key(prefix & Dir24Fib.mask(length), length));
        return routes == null ? List.of() : List.copyOf(routes);
    }

    /**
     * @return the best route of every prefix (cold path: show ip route).
     */
    public List<Route> bestRoutes()
    {
        final List<Route> best = new ArrayList<>(rib.size());
        for (final List<Route> routes : rib.values())
        {
            best.add(routes.get(0));
        }
        return best;
    }

    /**
     * @return prefixes installed.
     */
    public int size()
    {
        return rib.size();
    }

    private static long key(final int prefix, final int length)
    {
        return (prefix & 0xFFFF_FFFFL) << 6 | length;
    }

    private int acquire(final Adjacency adjacency)
    {
        int id = adjacencyIds.getValue(adjacency);
        if (id < 0)
        {
            id = newAdjacencyId();
            if (id >= adjacencyUsers.length)
            {
                growAdjacencies();
            }
            final int[] entries = adjacencyEntries;
            entries[2 * id] = adjacency.kind().ordinal();
            entries[2 * id + 1] = adjacency.nextHop();
            while (adjacencies.size() <= id)
            {
                adjacencies.add(null);
            }
            adjacencies.set(id, adjacency);
            adjacencyIds.put(adjacency, id);
        }
        adjacencyUsers[id]++;
        return id;
    }

    private int newAdjacencyId()
    {
        for (int i = 0; i < retiredAdjacencies.size(); )
        {
            final long[] retired = retiredAdjacencies.get(i);
            if (readers == null || readers.isSafe(retired[1]))
            {
                freeAdjacencies.add((int)retired[0]);
                retiredAdjacencies.remove(i);
            }
            else
            {
                i++;
            }
        }
        return freeAdjacencies.isEmpty() ? adjacencies.size() : freeAdjacencies.remove(freeAdjacencies.size() - 1);
    }

    private void release(final Adjacency adjacency)
    {
        final int id = adjacencyIds.getValue(adjacency);
        if (--adjacencyUsers[id] == 0)
        {
            adjacencyIds.removeKey(adjacency);
            retiredAdjacencies.add(new long[]{id, readers == null ? 0 : readers.retire()});
        }
    }

    private void growAdjacencies()
    {
        final int length = adjacencyUsers.length * 2;
        adjacencyUsers = java.util.Arrays.copyOf(adjacencyUsers, length);
        adjacencyEntries = java.util.Arrays.copyOf(adjacencyEntries, 2 * length);
    }
}
