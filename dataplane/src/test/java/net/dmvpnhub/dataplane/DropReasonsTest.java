package net.dmvpnhub.dataplane;

import net.dmvpnhub.crypto.EspStatus;
import net.dmvpnhub.wire.DecodeStatus;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every drop reason has one counter and a name no other counter has; the same reason from two stages is one counter. */
class DropReasonsTest
{
    @Test
    void everyCounterHasANameOfItsOwnAndEveryReasonACounter()
    {
        final Set<String> names = new HashSet<>();
        for (int i = 0; i < DropReasons.COUNT; i++)
        {
            assertTrue(names.add(DropReasons.name(i)), "two counters named " + DropReasons.name(i));
            assertFalse(DropReasons.description(i).isBlank());
            assertEquals(i, DropReasons.byName(DropReasons.name(i)));
        }
        final Set<Integer> used = new HashSet<>();
        for (final DecodeStatus status : DecodeStatus.values())
        {
            used.add(DropReasons.index(status));
        }
        for (final EspStatus status : EspStatus.values())
        {
            used.add(DropReasons.index(status));
        }
        for (final Drop drop : Drop.values())
        {
            used.add(DropReasons.index(drop));
        }
        assertEquals(DropReasons.COUNT, used.size(), "every counter is some reason's");
        assertEquals("esp-selector-mismatch", DropReasons.name(DropReasons.index(EspStatus.SELECTOR_MISMATCH)));
        assertEquals("ipv4-truncated", DropReasons.name(DropReasons.index(DecodeStatus.IPV4_TRUNCATED)));
        assertEquals("no-route", DropReasons.name(DropReasons.index(Drop.NO_ROUTE)));
    }

    @Test
    void theDecodersEspChecksAndEspProcessingShareTheirCounters()
    {
        assertEquals(DropReasons.index(EspStatus.TRUNCATED), DropReasons.index(DecodeStatus.ESP_TRUNCATED));
        assertEquals(DropReasons.index(EspStatus.BAD_PADDING), DropReasons.index(DecodeStatus.ESP_BAD_PADDING));
        assertEquals(DropReasons.index(EspStatus.BAD_PAD_LENGTH), DropReasons.index(DecodeStatus.ESP_BAD_PAD_LENGTH));
        assertEquals("esp-truncated", DropReasons.name(DropReasons.index(DecodeStatus.ESP_TRUNCATED)));
        assertTrue(DropReasons.isOk(DropReasons.index(DecodeStatus.OK)));
        assertTrue(DropReasons.isOk(DropReasons.index(EspStatus.OK)));
        assertFalse(DropReasons.isOk(DropReasons.index(EspStatus.TRUNCATED)));
    }
}
