package io.github.vpcroutefailover.archfixture.cycle.a;

import io.github.vpcroutefailover.archfixture.cycle.b.B;

/** Half of a deliberate package cycle (a -> b -> a) that ArchitectureTest must detect. */
public final class A {
    public B next() {
        return new B();
    }
}
