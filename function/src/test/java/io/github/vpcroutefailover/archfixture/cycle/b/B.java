package io.github.vpcroutefailover.archfixture.cycle.b;

import io.github.vpcroutefailover.archfixture.cycle.a.A;

/** The other half of the deliberate cycle. */
public final class B {
    public A back() {
        return new A();
    }
}
