package jp.kofuhub.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.kofuhub.registry.ExportHeader;
import jp.kofuhub.registry.ExportReader;
import jp.kofuhub.registry.ExportWriter;
import jp.kofuhub.registry.RecordType;

/**
 * Sync deltas arriving during the open-loop load (issue #20 item 5): JUKI DELTA files, each moving
 * {@code size} households within the city (転居: the H record with a new 方書, every member's R with
 * the next 履歴番号), written ahead into a staging folder and dropped into the hub's inbox one by one
 * (write, then an atomic move). The households moved are households of the FULL that no later JUKI
 * file of the generated city touches (so every history number is new) and that hold none of the
 * load's card holders (so no conversation is refused {@code REPLICA_CHANGED} by a move of its own
 * household); each household moves once.
 */
final class DeltaFeed {

    private final List<Path> staged = new ArrayList<>();
    private final String source;
    private long lastSequence;
    private int next;

    /** The last sequence the hub will have applied once every file given out is applied. */
    long lastSequence() {
        return lastSequence;
    }

    String source() {
        return source;
    }

    /**
     * Prepares {@code files} DELTAs of {@code size} households after the last of {@code jukiFiles}
     * (sorted: the FULL first), into {@code staging}; {@code busyAtena}: 宛名番号 of the load's card
     * holders.
     */
    DeltaFeed(List<Path> jukiFiles, Set<String> busyAtena, Path staging, int files, int size)
            throws IOException {
        int hNo = RecordType.H.col("household_no");
        int hKatagaki = RecordType.H.col("katagaki");
        int rHousehold = RecordType.R.col("household_no");
        int rAtena = RecordType.R.col("atena_no");
        int rHistory = RecordType.R.col("history_no");
        int rReason = RecordType.R.col("change_reason");
        Map<String, String[]> households = new LinkedHashMap<>();
        Map<String, List<String[]>> members = new HashMap<>();
        Set<String> excluded = new HashSet<>();
        ExportHeader last = null;
        boolean first = true;
        for (Path f : jukiFiles) {
            boolean full = first;
            first = false;
            try (ExportReader reader =
                    new ExportReader(new BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
                last = reader.header();
                reader.readRecords(
                        (type, fields, line) -> {
                            switch (type) {
                                case H -> {
                                    if (full) {
                                        households.put(fields[hNo], fields.clone());
                                    } else {
                                        excluded.add(fields[hNo]);
                                    }
                                }
                                case R -> {
                                    if (full) {
                                        members.computeIfAbsent(
                                                        fields[rHousehold], k -> new ArrayList<>())
                                                .add(fields.clone());
                                    } else {
                                        excluded.add(fields[rHousehold]);
                                    }
                                    if (busyAtena.contains(fields[rAtena])) {
                                        excluded.add(fields[rHousehold]);
                                    }
                                }
                                default -> {}
                            }
                        });
                reader.finish();
            }
        }
        if (last == null) {
            throw new IllegalStateException("no JUKI file to follow");
        }
        source = last.source();
        List<String> movable = new ArrayList<>();
        for (String h : households.keySet()) {
            if (!excluded.contains(h) && members.containsKey(h)) {
                movable.add(h);
            }
        }
        Files.createDirectories(staging);
        lastSequence = last.sequence();
        int used = 0;
        for (int i = 0; i < files && used + size <= movable.size(); i++) {
            long seq = last.sequence() + 1 + i;
            try (ExportWriter w =
                    new ExportWriter(
                            staging,
                            last.municipality(),
                            last.source(),
                            seq,
                            ExportHeader.Kind.DELTA,
                            StandardCharsets.UTF_8,
                            last.createdAt().plusMinutes(1 + i))) {
                for (String h : movable.subList(used, used + size)) {
                    String[] hf = households.get(h).clone();
                    hf[hKatagaki] = "ベンチ転居" + seq;
                    w.write(RecordType.H, hf);
                    for (String[] rf0 : members.get(h)) {
                        String[] rf = rf0.clone();
                        rf[rHistory] = Integer.toString(Integer.parseInt(rf[rHistory]) + 1);
                        rf[rReason] = "転居";
                        w.write(RecordType.R, rf);
                    }
                }
                staged.add(w.commit());
            }
            used += size;
        }
    }

    /** Files left to give. */
    int remaining() {
        return staged.size() - next;
    }

    /**
     * Gives the next file to {@code inbox} (sealed for the hub by {@code seal} when not null);
     * false when none is left.
     */
    boolean deliver(Path inbox, Sealer seal) throws Exception {
        if (next >= staged.size()) {
            return false;
        }
        Path f = staged.get(next++);
        String name = f.getFileName().toString();
        Path tmp = inbox.resolveSibling(name + ".part");
        if (seal != null) {
            seal.seal(f, tmp);
            name = name + jp.kofuhub.keys.PgpFiles.SUFFIX;
        } else {
            Files.copy(f, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        lastSequence = Math.max(lastSequence, sequenceOf(name));
        return true;
    }

    private static long sequenceOf(String name) {
        return Long.parseLong(name.split("_")[2]);
    }

    /** Seals an export file for the hub, as the source system sends it. */
    interface Sealer {
        void seal(Path plain, Path sealed) throws Exception;
    }
}
