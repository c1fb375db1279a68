package io.github.vpcroutefailover.testsupport.lab;

import java.time.Duration;

/**
 * HTTP requests made from inside a private namespace on demand (through whatever route the namespace has), for checks
 * that test the data path, such as the alterNAT reference's connectivity check.
 */
public final class Checker implements AutoCloseable {
    private final Agent agent;

    Checker(Agent agent) {
        this.agent = agent;
    }

    /** One GET of {@code url}; true if any HTTP answer came back within {@code timeout}. */
    public synchronized boolean check(String url, Duration timeout) {
        agent.send(url + " " + (timeout.toMillis() / 1000.0));
        String answer = agent.readLineWithin(timeout.toSeconds() + 5);
        if (answer == null) {
            throw new LabException("the checker in " + agent.namespace + " stopped answering");
        }
        return answer.equals("ok");
    }

    @Override
    public void close() {
        agent.close();
    }
}
