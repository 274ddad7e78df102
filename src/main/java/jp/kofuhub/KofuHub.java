package jp.kofuhub;

import java.util.Arrays;
import jp.kofuhub.generator.GenerateCommand;
import jp.kofuhub.kiosk.KioskCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The one jar: {@code serve} (default) runs the hub; the other commands are small tools that need
 * no running Spring context: {@code generate} writes a synthetic city, {@code kiosk} plays the
 * issuance centre, {@code make-seal} draws a synthetic 公印.
 */
@SpringBootApplication
public class KofuHub {

    public static void main(String[] args) {
        String command = args.length == 0 ? "serve" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "serve" -> SpringApplication.run(KofuHub.class, rest);
            case "generate" -> System.exit(GenerateCommand.run(rest));
            case "kiosk" -> System.exit(KioskCommand.run(rest));
            case "make-seal" -> System.exit(MakeSealCommand.run(rest));
            case "preview" -> System.exit(jp.kofuhub.render.PreviewCommand.run(rest));
            case "quarantine" -> System.exit(jp.kofuhub.sync.QuarantineCommand.run(rest));
            case "verify-history" -> System.exit(jp.kofuhub.history.VerifyHistoryCommand.run(rest));
            case "bench-sync" -> System.exit(jp.kofuhub.bench.SyncBench.run(rest));
            case "bench-issuance" -> System.exit(jp.kofuhub.bench.IssuanceBench.run(rest));
            case "koseki-server" -> System.exit(jp.kofuhub.koseki.sim.KosekiServerCommand.run(rest));
            case "koseki-registration" -> System.exit(jp.kofuhub.koseki.KosekiRegistrationCommand.run(rest));
            case "keys" -> System.exit(jp.kofuhub.keys.KeysCommand.run(rest));
            case "coupling" -> System.exit(jp.kofuhub.ops.CouplingCommand.run(rest));
            case "help", "--help", "-h" -> {
                System.out.println(USAGE);
                System.exit(0);
            }
            default -> {
                System.err.println("unknown command " + command + "\n" + USAGE);
                System.exit(2);
            }
        }
    }

    static final String USAGE = """
            usage: kofu <command> [options]
              serve                      run the hub (default)
              generate --municipality 012343 --residents N --seed S [--out DIR] [--encoding UTF-8|CP932]
              kiosk --serial SERIAL [--municipality 012343] [--kind JUMINHYO] [--url URL] [--seal] [--out FILE]
              keys [--dir data/keys] [--force]   write the demo key set (CA, X.509 + OpenPGP per party)
              make-seal --text 北広島市長之印 --out FILE [--font fonts/ipaexm.ttf] [--size 600]
              preview --template juminhyo --data FIXTURE.xml [--out FILE.pdf]
              quarantine list | retry STORED_AS --operator NAME | discard STORED_AS --operator NAME --why TEXT [--url URL]
              coupling status | suspend --operator NAME --why TEXT | resume --operator NAME --why TEXT [--municipality CODE] [--url URL]
              koseki-registration list | approve ID --operator NAME | reject ID --operator NAME --why TEXT [--url URL]
              bench-sync --db-url JDBC_URL [--residents 3800000] [--seed 1] (see bench/sync.sh)
              bench-issuance [--mode plain|secure|both] [--clients 32] [--duration 60] (see bench/issuance.sh)
              koseki-server --juki FILE.kexp [--city-prefix 北海道北広島市] [--overrides FILE.tsv] [--extra FILE.tsv] [--port 8091] [--keys DIR] [--tls] [--pgp]""";
}
