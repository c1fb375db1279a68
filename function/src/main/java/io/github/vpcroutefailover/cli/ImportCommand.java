package io.github.vpcroutefailover.cli;

import io.github.vpcroutefailover.config.ConfigException;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.importer.AwsnycastImporter;
import io.github.vpcroutefailover.importer.ImportException;
import io.github.vpcroutefailover.importer.ImportResult;
import io.github.vpcroutefailover.importer.VpcRouterImporter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code vrf import awsnycast|vpc-router}: another tool's config to ours, with a report of what became of each setting. */
@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
        description = "Convert the config of a tool we replace into our route config (YAML on stdout or -o), with a report on stderr of every "
                + "setting: mapped, approximated or dropped, and why. The result is validated before it is written.",
        subcommands = {ImportCommand.Awsnycast.class, ImportCommand.VpcRouter.class})
final class ImportCommand implements Callable<Integer> {
    @ParentCommand
    Vrf root;

    @Override
    public Integer call() {
        throw CliException.usage("say which tool: vrf import awsnycast FILE... or vrf import vpc-router FILE");
    }

    static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw CliException.usage("file " + file + " does not exist");
        }
        try {
            if (Files.size(file) > 4L * 1024 * 1024) {
                throw CliException.usage("file " + file + " is larger than 4 MiB; this is not a route config");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw CliException.usage("file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    static Map<String, String> pairs(List<String> values, String option) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            if (eq <= 0 || eq == v.length() - 1) {
                throw CliException.usage(option + " " + v + ": expected KEY=VALUE");
            }
            if (out.put(v.substring(0, eq), v.substring(eq + 1)) != null) {
                throw CliException.usage(option + " " + v.substring(0, eq) + " is given twice");
            }
        }
        return out;
    }

    /** Validates, writes the YAML (and the agent's), prints the report. */
    static int finish(Vrf root, ImportResult result, Path out, Path agentOut) {
        Io io = root.io();
        result.report().lines().forEach(l -> io.err().println(Render.clean(l)));
        FailoverConfig parsed;
        try {
            parsed = ConfigLoader.parse(result.routesYaml(), "imported config");
        } catch (ConfigException e) {
            e.problems().forEach(p -> io.err().println("imported config:" + p.line() + ": " + p.path() + ": " + p.message()));
            throw CliException.failed("the converted config does not validate (a bug in the importer: please report it with the input)");
        }
        write(io, out, result.routesYaml());
        if (result.agentYaml() != null) {
            if (agentOut != null) {
                write(io, agentOut, result.agentYaml());
            } else {
                io.err().println("note: the health checks ran on the hosts; pass --agent-config FILE to write them as agent checks");
            }
        }
        io.err().println("imported: " + parsed.checks().size() + " checks, " + parsed.targets().size() + " targets, " + parsed.routes().size()
                + " routes; validates" + (out == null ? "" : " (" + out + ")"));
        return 0;
    }

    private static void write(Io io, Path file, String text) {
        if (file == null) {
            io.out().print(text);
            io.out().flush();
            return;
        }
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliException.failed("cannot write " + file + ": " + e.getMessage());
        }
    }

    @Command(name = "awsnycast", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = {"AWSnycast YAML, one file per host that ran it (their 'instance: SELF' differ), merged into one config.",
                    "  vrf import awsnycast --vpc vpc-0123456789abcdef0 --instance nat-a=i-0aaaaaaaaaaaaaaaa --instance nat-b=i-0bbbbbbbbbbbbbbbb \\",
                    "      nat-a=/etc/awsnycast-a.yaml nat-b=/etc/awsnycast-b.yaml -o routes.yaml --agent-config agent.yaml"})
    static final class Awsnycast implements Callable<Integer> {
        @ParentCommand
        ImportCommand parent;

        @Parameters(arity = "1..*", paramLabel = "[NAME=]FILE", description = "a host's AWSnycast config; NAME (default: the file name) becomes its target name")
        List<String> files;

        @Option(names = "--vpc", required = true, paramLabel = "vpc-ID")
        String vpc;

        @Option(names = "--instance", paramLabel = "NAME=i-ID", description = "the instance that ran NAME's file (what SELF meant there); one per file")
        List<String> instances = new ArrayList<>();

        @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "write the route config here (default: stdout)")
        Path out;

        @Option(names = "--agent-config", paramLabel = "FILE", description = "write the health checks as agent checks here")
        Path agentOut;

        @Override
        public Integer call() {
            Map<String, String> ids = pairs(instances, "--instance");
            List<AwsnycastImporter.Host> hosts = new ArrayList<>();
            for (String f : files) {
                int eq = f.indexOf('=');
                Path p = Path.of(eq > 0 ? f.substring(eq + 1) : f);
                String name = eq > 0 ? f.substring(0, eq) : stem(p);
                hosts.add(new AwsnycastImporter.Host(name, ids.get(name), p.toString(), read(p)));
            }
            for (String n : ids.keySet()) {
                if (hosts.stream().noneMatch(h -> h.name().equals(n))) {
                    throw CliException.usage("--instance " + n + ": no file named " + n + "; hosts: " + hosts.stream().map(AwsnycastImporter.Host::name).toList());
                }
            }
            try {
                return finish(parent.root, AwsnycastImporter.convert(vpc, hosts), out, agentOut);
            } catch (ImportException e) {
                throw CliException.failed(e.getMessage());
            }
        }

        private static String stem(Path p) {
            String n = p.getFileName().toString();
            int dot = n.lastIndexOf('.');
            return (dot > 0 ? n.substring(0, dot) : n).replaceAll("[^A-Za-z0-9_.-]", "-");
        }
    }

    @Command(name = "vpc-router", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = {"A vpc-router route spec (JSON {\"<cidr>\": [\"<host ip>\", ...]}).",
                    "  vrf import vpc-router route-spec.conf --vpc vpc-0123456789abcdef0 --table-tag tier=private \\",
                    "      --host 10.33.20.142=i-0aaaaaaaaaaaaaaaa --host 10.33.20.93=i-0bbbbbbbbbbbbbbbb -o routes.yaml"})
    static final class VpcRouter implements Callable<Integer> {
        @ParentCommand
        ImportCommand parent;

        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(names = "--vpc", required = true, paramLabel = "vpc-ID", description = "vpc-router's -v")
        String vpc;

        @Option(names = "--host", paramLabel = "IP=i-ID", description = "the instance behind each host IP of the spec (repeatable)")
        List<String> hosts = new ArrayList<>();

        @Option(names = "--route-table", paramLabel = "rtb-ID", description = "manage the route in this table (repeatable)")
        List<String> routeTables = new ArrayList<>();

        @Option(names = "--table-tag", paramLabel = "KEY=VALUE", description = "manage the route in every table with this tag (repeatable: all must match)")
        List<String> tableTags = new ArrayList<>();

        @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "write the route config here (default: stdout)")
        Path out;

        @Override
        public Integer call() {
            List<Map<String, Object>> selectors = new ArrayList<>();
            routeTables.forEach(id -> selectors.add(Map.of("id", id)));
            if (!tableTags.isEmpty()) {
                selectors.add(Map.of("tags", pairs(tableTags, "--table-tag")));
            }
            try {
                return finish(parent.root, VpcRouterImporter.convert(vpc, file.toString(), read(file), pairs(hosts, "--host"), selectors), out, null);
            } catch (ImportException e) {
                throw CliException.failed(e.getMessage());
            }
        }
    }
}
