package io.github.vpcroutefailover.probe;

import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.ports.FailoverTrigger;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/** A {@link FailoverTrigger} that records each call with the round it happened in. */
final class RecordingTrigger implements FailoverTrigger {
    enum Kind { FAILED, RECOVERED }

    record Call(Kind kind, int round, List<Observation> observations) {
    }

    private final IntSupplier currentRound;
    final List<Call> calls = new CopyOnWriteArrayList<>();

    RecordingTrigger(IntSupplier currentRound) {
        this.currentRound = currentRound;
    }

    @Override
    public void targetsFailed(List<Observation> observations) {
        calls.add(new Call(Kind.FAILED, currentRound.getAsInt(), observations));
    }

    @Override
    public void targetsRecovered(List<Observation> observations) {
        calls.add(new Call(Kind.RECOVERED, currentRound.getAsInt(), observations));
    }

    List<String> summary() {
        return calls.stream().map(c -> c.kind() + "@" + c.round()).toList();
    }

    List<Observation> delivered() {
        return calls.stream().flatMap(c -> c.observations().stream()).toList();
    }
}
