package jp.kofuhub.tools;

import java.util.Arrays;
import jp.kofuhub.KofuHub;

/**
 * The launcher of {@code ./kofu}: the demo and test tools, and every other command (first of all
 * {@code serve}, the default) handed to the hub's own {@link KofuHub#main}. With this module on the
 * class path, {@code serve} also starts the demo's beans ({@code jp.kofuhub.demo}: the demo key set
 * on the first start, the synthetic demo city, its koseki simulator and registry heartbeat), which
 * the hub's component scan finds; the hub's jar alone (the image) has none of them.
 */
public final class KofuTools {

    private KofuTools() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "serve" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "generate" -> System.exit(jp.kofuhub.generator.GenerateCommand.run(rest));
            case "kiosk" -> System.exit(jp.kofuhub.kiosk.KioskCommand.run(rest));
            case "make-seal" -> System.exit(MakeSealCommand.run(rest));
            case "bench-sync" -> System.exit(jp.kofuhub.bench.SyncBench.run(rest));
            case "bench-issuance" -> System.exit(jp.kofuhub.bench.IssuanceBench.run(rest));
            case "koseki-server" ->
                    System.exit(jp.kofuhub.koseki.sim.KosekiServerCommand.run(rest));
            case "keys" -> System.exit(jp.kofuhub.demo.KeysCommand.run(rest));
            case "help", "--help", "-h" -> {
                System.out.println(USAGE);
                System.exit(0);
            }
            default -> KofuHub.main(args);
        }
    }

    static final String USAGE =
            KofuHub.USAGE
                    + "\n"
                    + """
              generate --municipality 012343 --residents N --seed S [--out DIR] [--encoding UTF-8|CP932]
              kiosk --serial SERIAL [--municipality 012343] [--kind JUMINHYO] [--url URL] [--seal] [--out FILE]
              keys [--dir data/keys] [--force]   write the demo key set (CA, X.509 + OpenPGP per party)
              make-seal --text 北広島市長之印 --out FILE [--font fonts/ipaexm.ttf] [--size 600]
              bench-sync --db-url JDBC_URL [--residents 3800000] [--seed 1] (see bench/sync.sh)
              bench-issuance [--mode plain|secure|both] [--clients 32] [--duration 60] (see bench/issuance.sh)
              koseki-server --juki FILE.kexp [--city-prefix 北海道北広島市] [--overrides FILE.tsv] [--extra FILE.tsv] [--port 8091] [--address ADDR (default $SERVER_ADDRESS, else every interface)] [--keys DIR] [--tls] [--pgp]
            """
                            .stripTrailing();
}
