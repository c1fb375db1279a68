package io.github.vpcroutefailover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/** A command that changes routes or targets: it asks first on a terminal and answers with the change table. */
abstract class ChangeCommand extends ActionCommand {
    @Override
    final boolean changes() {
        return true;
    }

    @Override
    void renderTable(PrintStream out, JsonNode answer) {
        Render.change(out, answer);
    }
}
