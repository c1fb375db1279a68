package io.github.vpcroutefailover.testsupport.lab;

/**
 * The real-packet lab cannot run on this machine (not root, no iproute2/nftables/python3, or namespaces not permitted).
 * Tests that need the lab let this fail them: the message says what is missing and how to fix it; nothing is skipped.
 */
public final class LabUnavailableException extends LabException {
    public LabUnavailableException(String what, Throwable cause) {
        super("the real-packet lab (Linux network namespaces) is unavailable: " + what
                + ". It needs root, iproute2 (`ip`), nftables (`nft`) and python3: run `scripts/lab-deps` as root "
                + "(it apt-get installs iproute2 and nftables), or run the tests as root on Linux (scripts/test does both).", cause);
    }
}
