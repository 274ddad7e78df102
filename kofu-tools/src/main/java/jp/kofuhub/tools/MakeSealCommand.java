package jp.kofuhub.tools;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import jp.kofuhub.render.SealImageMaker;

/** {@code make-seal}: draws a synthetic 公印 PNG for a demo municipality profile. */
final class MakeSealCommand {

    private MakeSealCommand() {}

    static int run(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        if (!o.containsKey("--text") || !o.containsKey("--out")) {
            System.err.println(
                    "usage: make-seal --text 北広島市長之印 --out FILE [--font fonts/ipaexm.ttf] [--size 600]");
            return 2;
        }
        try {
            SealImageMaker.make(
                    o.get("--text"),
                    Path.of(o.getOrDefault("--font", "fonts/ipaexm.ttf")),
                    Integer.parseInt(o.getOrDefault("--size", "600")),
                    Path.of(o.get("--out")));
            System.out.println("wrote " + o.get("--out"));
            return 0;
        } catch (Exception e) {
            System.err.println("make-seal failed: " + e.getMessage());
            return 1;
        }
    }
}
