package io.github.vpcroutefailover.importer;

import java.util.ArrayList;
import java.util.List;

/** What happened to every setting of the imported config: kept as is, approximated, or dropped, and why. */
public final class ImportReport {
    public enum Kind { MAPPED, APPROXIMATED, DROPPED }

    /**
     * @param setting where it was in the source ("healthchecks.public.rise", "routetables.our_az.find")
     * @param result  what it became in our config ("checks.public.rise: 2"), or "-" when dropped
     * @param why     the reason, and what to do if the approximation is not what you want
     */
    public record Entry(Kind kind, String setting, String result, String why) {
    }

    private final List<Entry> entries = new ArrayList<>();

    void mapped(String setting, String result, String why) {
        entries.add(new Entry(Kind.MAPPED, setting, result, why));
    }

    void approximated(String setting, String result, String why) {
        entries.add(new Entry(Kind.APPROXIMATED, setting, result, why));
    }

    void dropped(String setting, String why) {
        entries.add(new Entry(Kind.DROPPED, setting, "-", why));
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** One line per entry, for stderr and for the comment block at the top of the written YAML. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        for (Entry e : entries) {
            out.add(String.format("%-12s %s -> %s: %s", e.kind(), e.setting(), e.result(), e.why()));
        }
        return out;
    }
}
