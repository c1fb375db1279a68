package io.github.vpcroutefailover.app;

/**
 * The config does not describe the world it runs in: its VPC does not exist here (no route tables: every VPC has a
 * main one), or none of its route selectors matches a route table. Managing nothing and answering "converged" would
 * hide a broken deployment, so status, plan and every reconcile fail with this instead, naming the config field.
 */
public final class WorldMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public WorldMismatchException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The config field to fix: {@code vpc} or {@code routes}. */
    public String field() {
        return field;
    }
}
