package io.github.vpcroutefailover.domain.ownership;

import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one state machine of a route's ownership record (docs/ownership-table.md, "State machine"). Every write the
 * store makes is one transition of this table, made conditional on the "from" state, and the reconciler asks this
 * class, never its own ad-hoc checks, what a record it read means and what may be done to it.
 *
 * <p>A pin is not a transition: it changes the fencing version and the pin attributes only, in any state, so an
 * in-flight plan made before the pin loses its claim, but a claim already made is neither kept nor refreshed by it.
 */
public final class RecordMachine {
    private RecordMachine() {
    }

    /** What a record is, as read at a given time. {@link #ABANDONED} is derived: a PENDING record past its deadline. */
    public enum State {
        /** No item. */
        ABSENT,
        /** An item that only carries a pin; no claim was ever made on it. */
        UNCLAIMED,
        /** Claimed; its writer is still inside its deadline and may change EC2. */
        PENDING,
        /** PENDING, but its writer's deadline has passed: the writer can no longer change EC2. */
        ABANDONED,
        /** EC2 holds the claimed change (observed by its writer or a repairer). */
        APPLIED,
        /** Its writer observed that the change did not reach EC2 and released the claim. */
        FAILED,
        /** A repairer found an abandoned claim whose change is not in EC2 and released it. */
        SUPERSEDED
    }

    /** Everything that moves a record. */
    public enum Event {
        /** A writer claims the route on the version it planned on. */
        CLAIM,
        /** The writer observed its change in EC2 (ownership + APPLIED history in one transaction). */
        CONFIRM,
        /** The writer observed that EC2 does not hold its change (ownership + FAILED history in one transaction). */
        RELEASE,
        /** The writer's deadline passes (no write: derived at read time). */
        DEADLINE_PASSES,
        /** A repairer finds EC2 holding an abandoned claim's change (ownership + APPLIED history, repairedBy). */
        REPAIR_CONFIRM,
        /** A repairer finds EC2 not holding an abandoned claim's change (ownership + ABANDONED history). */
        REPAIR_SUPERSEDE
    }

    private static final Map<State, Map<Event, State>> TABLE = table();

    private static Map<State, Map<Event, State>> table() {
        Map<State, Map<Event, State>> t = new EnumMap<>(State.class);
        for (State s : State.values()) {
            t.put(s, new EnumMap<>(Event.class));
        }
        for (State settled : new State[] {State.ABSENT, State.UNCLAIMED, State.APPLIED, State.FAILED, State.SUPERSEDED}) {
            t.get(settled).put(Event.CLAIM, State.PENDING);
        }
        t.get(State.PENDING).put(Event.CONFIRM, State.APPLIED);
        t.get(State.PENDING).put(Event.RELEASE, State.FAILED);
        t.get(State.PENDING).put(Event.DEADLINE_PASSES, State.ABANDONED);
        // A writer that outlived its deadline may still settle its own claim if no repairer got there first: what it
        // observed is as good as a repairer's observation, and the write is conditional on the claim being untouched.
        t.get(State.ABANDONED).put(Event.CONFIRM, State.APPLIED);
        t.get(State.ABANDONED).put(Event.RELEASE, State.FAILED);
        t.get(State.ABANDONED).put(Event.REPAIR_CONFIRM, State.APPLIED);
        t.get(State.ABANDONED).put(Event.REPAIR_SUPERSEDE, State.SUPERSEDED);
        Map<State, Map<Event, State>> frozen = new EnumMap<>(State.class);
        t.forEach((k, v) -> frozen.put(k, Collections.unmodifiableMap(v)));
        return Collections.unmodifiableMap(frozen);
    }

    /** The next state, or empty when the event is refused in that state (the conditional write fails). */
    public static Optional<State> next(State from, Event event) {
        return Optional.ofNullable(TABLE.get(from).get(event));
    }

    public static boolean allowed(State from, Event event) {
        return next(from, event).isPresent();
    }

    /**
     * The state of a record read at {@code now}. A PENDING record without a deadline (written before deadlines
     * existed) counts as abandoned once {@code legacyLease} has passed since its claim.
     */
    public static State stateOf(Ownership o, Instant now, Duration legacyLease) {
        if (o == null) {
            return State.ABSENT;
        }
        return switch (o.status()) {
            case NONE -> State.UNCLAIMED;
            case APPLIED -> State.APPLIED;
            case FAILED -> State.FAILED;
            case SUPERSEDED -> State.SUPERSEDED;
            case PENDING -> {
                Instant deadline = deadlineOf(o, legacyLease);
                yield deadline != null && !now.isBefore(deadline) ? State.ABANDONED : State.PENDING;
            }
        };
    }

    /** When a PENDING record's writer can no longer change EC2. */
    public static Instant deadlineOf(Ownership o, Duration legacyLease) {
        if (o.claim() != null && o.claim().deadline() != null) {
            return o.claim().deadline();
        }
        return o.updatedAt() == null ? null : o.updatedAt().plus(legacyLease);
    }

    /** What a repairer does with an abandoned claim, decided by what the route table holds now. */
    public enum Repair {
        /** EC2 holds the claimed hop (or, for a withdraw, no route): the change happened; record and announce it. */
        CONFIRM,
        /** EC2 holds something else: the change never happened (or was undone outside); release the claim. */
        SUPERSEDE
    }

    /**
     * @param claimed what the abandoned claim meant to set (null: a withdraw)
     * @param holds   what the route table holds now (null: no such route)
     */
    public static Repair repair(RouteTarget claimed, RouteTarget holds) {
        boolean match = claimed == null ? holds == null : claimed.sameHopAs(holds);
        return match ? Repair.CONFIRM : Repair.SUPERSEDE;
    }

    /** The transition table as the Markdown table in docs/ownership-table.md (a test keeps the two equal). */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder("| state \\ event |");
        for (Event e : Event.values()) {
            b.append(' ').append(e.name()).append(" |");
        }
        b.append("\n|---|");
        b.append("---|".repeat(Event.values().length));
        b.append('\n');
        for (State s : State.values()) {
            b.append("| ").append(s.name()).append(" |");
            for (Event e : Event.values()) {
                b.append(' ').append(next(s, e).map(State::name).orElse("refused")).append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }
}
