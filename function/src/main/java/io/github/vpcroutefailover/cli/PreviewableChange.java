package io.github.vpcroutefailover.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** A change the controller can preview: {@code --dry-run} shows what would move and changes nothing. */
abstract class PreviewableChange extends ChangeCommand {
    @Option(names = "--dry-run", description = "show what would move; change nothing")
    boolean dryRunFlag;

    @Override
    final boolean dryRun() {
        return dryRunFlag;
    }

    @Override
    final boolean previewable() {
        return true;
    }

    /** The request with {@code dryRun: true} when asked for. */
    ObjectNode withDryRun(ObjectNode n) {
        if (dryRunFlag) {
            n.put("dryRun", true);
        }
        return n;
    }
}
