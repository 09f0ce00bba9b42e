package net.dmvpnhub.trafficgen.spoke;

import net.dmvpnhub.nhrp.eigrp.EigrpConfig;
import net.dmvpnhub.nhrp.eigrp.EigrpRouter;
import net.dmvpnhub.wire.eigrp.Eigrp;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * EIGRP at the simulated spokes: an {@link EigrpRouter} per spoke that runs it, whose packets go
 * to the hub over the spoke's tunnel ({@link Spokes#sendToHub}: a spoke's multicast map and its
 * only neighbour are the hub) and whose routes go to the router's own topology table, shown by
 * the show commands. A spoke forwards by the summary route via the hub only while its EIGRP has
 * it installed ({@link Spokes#summaryByRouting}); its other learned routes are shown, not used
 * for data (the simulated spokes' routing table holds the summary, the tunnel subnet, their LAN
 * and their NHRP routes).
 */
public final class SpokeEigrp implements SpokeRouting
{
    private final Spokes spokes;
    private final Int2ObjectHashMap<EigrpRouter> routers = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<EigrpConfig> configs = new Int2ObjectHashMap<>();
    private int summariesLearned;
    /** EIGRP packets for a spoke whose EIGRP is shut down (or that runs none): taken and ignored, as IOS's would be. */
    private long ignored;
    /** When the earliest timer of any spoke's EIGRP is due, unless {@link #lookNow}. */
    private long nextDueNs;
    private boolean lookNow = true;
    /** The spokes whose EIGRP has the summary installed (a route's metric may change without it going). */
    private final org.agrona.collections.IntHashSet withSummary = new org.agrona.collections.IntHashSet();

    public SpokeEigrp(final Spokes spokes)
    {
        this.spokes = spokes;
    }

    /** Spoke {@code s} runs EIGRP with {@code config} (before the spokes run). */
    public EigrpRouter add(final int s, final EigrpConfig config)
    {
        configs.put(s, config);
        return start(s, config);
    }

    /** Spoke {@code s}'s EIGRP says goodbye and stops: its routes go with it ({@code shutdown} under {@code router eigrp}). */
    public void shutdown(final int s)
    {
        final EigrpRouter router = routers.remove(s);
        if (router != null)
        {
            router.goodbye();
            if (withSummary.remove(s))
            {
                spokes.summaryLearned(s, false, 0);
                summariesLearned--;
            }
        }
    }

    /** Spoke {@code s}'s EIGRP starts again from nothing ({@code no shutdown} under {@code router eigrp}). */
    public void noShutdown(final int s)
    {
        if (!routers.containsKey(s) && configs.containsKey(s))
        {
            start(s, configs.get(s));
        }
    }

    private EigrpRouter start(final int s, final EigrpConfig config)
    {
        final EigrpConfig.Prefix summary = new EigrpConfig.Prefix(spokes.config().summaryPrefix(), spokes.config().summaryLength());
        final EigrpRouter router = new EigrpRouter(config, (destination, packet, offset, length) -> spokes.sendToHub(s, packet, offset, length),
            new EigrpRouter.Rib()
            {
                @Override
                public void route(final EigrpConfig.Prefix prefix, final int nextHop, final long metric)
                {
                    if (prefix.equals(summary))
                    {
                        spokes.summaryLearned(s, true, metric);
                        if (withSummary.add(s))
                        {
                            summariesLearned++;
                        }
                    }
                }

                @Override
                public void noRoute(final EigrpConfig.Prefix prefix)
                {
                    if (prefix.equals(summary) && withSummary.remove(s))
                    {
                        spokes.summaryLearned(s, false, 0);
                        summariesLearned--;
                    }
                }

                @Override
                public void summary(final EigrpConfig.Prefix prefix, final long metric)
                {
                }

                @Override
                public void noSummary(final EigrpConfig.Prefix prefix)
                {
                }
            });
        routers.put(s, router);
        lookNow = true;
        return router;
    }

    /** @return EIGRP packets that reached a spoke whose EIGRP was shut down or absent, and were ignored. */
    public long ignored()
    {
        return ignored;
    }

    /** @return whether spoke {@code s} is configured with EIGRP (running or shut down). */
    public boolean configured(final int s)
    {
        return configs.containsKey(s);
    }

    /** @return spokes whose EIGRP has the summary route installed now. */
    public int summariesLearned()
    {
        return summariesLearned;
    }

    /** @return spoke {@code s}'s EIGRP, or null when it runs none (or it is shut down). */
    public EigrpRouter router(final int s)
    {
        return routers.get(s);
    }

    @Override
    public int ipProtocol()
    {
        return Eigrp.IP_PROTOCOL;
    }

    @Override
    public void receive(final int s, final MutableDirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        final EigrpRouter router = routers.get(s);
        if (router != null && spokes.state(s) != SpokeState.DOWN)
        {
            router.receive(buffer, offset, length, nowNs);
        }
        else
        {
            ignored++;
        }
    }

    /**
     * The timers of every spoke's EIGRP that has one due: a walk of all of them only when the
     * earliest is due (the spokes' thread runs this every duty cycle, and 100,000 spokes' timers
     * are due a few times a second).
     */
    @Override
    public int doWork(final long nowNs)
    {
        if (!lookNow && nowNs - nextDueNs < 0)
        {
            return 0;
        }
        int work = 0;
        // A spoke that is down, or comes up, is looked at again within a scan interval.
        long next = nowNs + EigrpRouter.SCAN_NS;
        for (final Int2ObjectHashMap<EigrpRouter>.EntryIterator it = routers.entrySet().iterator(); it.hasNext(); )
        {
            it.next();
            final EigrpRouter router = it.getValue();
            if (spokes.state(it.getIntKey()) != SpokeState.DOWN && router.timerDue(nowNs))
            {
                work += router.doWork(nowNs);
            }
            if (router.timerDue(next))
            {
                final long due = router.timerDue(nowNs) ? nowNs : router.nextTimerNs();
                next = due - next < 0 ? due : next;
            }
        }
        nextDueNs = next;
        lookNow = false;
        return work;
    }
}
