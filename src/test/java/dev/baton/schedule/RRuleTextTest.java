package dev.baton.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

/** RRule texts as dateutil reads them: a line without a name is a rule, alone or beside others. */
class RRuleTextTest {
  @Test
  void aBareRuleLineAfterDtstartIsARule() {
    String text = "DTSTART:20200101T000000\nFREQ=DAILY;INTERVAL=1";
    assertNull(RRuleSchedule.invalid(text), "the client's tuple-form rrule is valid");
    Iterator<ZonedDateTime> it = new RRuleSchedule(text, "UTC").candidates(Instant.parse("2026-03-01T12:00:00Z"));
    assertEquals(ZonedDateTime.parse("2026-03-02T00:00Z[UTC]"), it.next());
    assertEquals(ZonedDateTime.parse("2026-03-03T00:00Z[UTC]"), it.next());
  }

  @Test
  void theNamedFormStillReadsTheSame() {
    String named = "DTSTART:20200101T000000\nRRULE:FREQ=DAILY;INTERVAL=1";
    assertNull(RRuleSchedule.invalid(named));
    assertEquals(new RRuleSchedule(named, "UTC").candidates(Instant.parse("2026-03-01T12:00:00Z")).next(),
        new RRuleSchedule("DTSTART:20200101T000000\nFREQ=DAILY;INTERVAL=1", "UTC")
            .candidates(Instant.parse("2026-03-01T12:00:00Z")).next());
    assertNotNull(RRuleSchedule.invalid("DTSTART:20200101T000000\nFREQ=SOMETIMES"), "a bad bare rule is still refused");
  }
}
