package dev.baton.orchestration.run;

import dev.baton.domain.State;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.RunDraft;

/**
 * A locked run as the engine sees it: the draft it works on, the current state (with data, or
 * null) and the facts read with it ({@code facts.apiVersion}/{@code clientVersion} are left for the
 * caller). {@code holdsNothing}: it holds no slot to give back; {@code concurrencyFree}: besides, it
 * cannot take one, so its concurrency facts are known to be empty without reading them (see {@link
 * dev.baton.persistence.OrchestrationStore.LoadedRun}). Made from the store's rows by {@link
 * LoadedRuns}.
 */
public record LockedRun(RunDraft draft, State current, Facts facts, boolean holdsNothing, boolean concurrencyFree) {}
