package jp.kofuhub;

import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The hub's jar: {@code serve} (default) runs the hub; the other commands are the operators' small
 * commands against a running hub or its files. The demo and test tools (synthetic city, kiosk,
 * koseki simulator, benchmarks, demo keys, make-seal) live in kofu-tools, whose launcher ({@code
 * jp.kofuhub.tools.KofuTools}, run by {@code ./kofu}) hands every other command to this one.
 */
@SpringBootApplication
public class KofuHub {

    public static void main(String[] args) {
        String command = args.length == 0 ? "serve" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "serve" -> SpringApplication.run(KofuHub.class, rest);
            case "preview" -> System.exit(jp.kofuhub.render.PreviewCommand.run(rest));
            case "quarantine" -> System.exit(jp.kofuhub.sync.QuarantineCommand.run(rest));
            case "verify-history" -> System.exit(jp.kofuhub.history.VerifyHistoryCommand.run(rest));
            case "koseki-registration" ->
                    System.exit(jp.kofuhub.koseki.KosekiRegistrationCommand.run(rest));
            case "coupling" -> System.exit(jp.kofuhub.ops.CouplingCommand.run(rest));
            case "settle" -> System.exit(jp.kofuhub.settlement.SettleCommand.run(rest));
            case "verify-printout" -> System.exit(jp.kofuhub.printout.PrintoutCommand.verify(rest));
            case "printout-keys" -> System.exit(jp.kofuhub.printout.PrintoutCommand.keys(rest));
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

    public static final String USAGE =
            """
            usage: kofu <command> [options]
              serve                      run the hub (default)
              preview --template juminhyo --data FIXTURE.xml [--out FILE.pdf]
              quarantine list | retry STORED_AS --operator NAME | discard STORED_AS --operator NAME --why TEXT [--url URL]
              coupling status | suspend --why TEXT | resume --why TEXT | history [--limit N] [--municipality CODE] [--url URL]
              settle --municipality CODE --date yyyy-MM-dd [--url URL]
              koseki-registration list | approve ID --operator NAME | reject ID --operator NAME --why TEXT [--url URL]
              verify-printout FILE.png|.jpg|.pdf [--keys KEYSET.json|DIR]   check a printout's signed codes (exit 0 valid, 1 invalid, 2 none, 3 usage)
              printout-keys new --municipality CODE [--from yyyy-MM-dd] [--days N] [--dir DIR] | publish --municipality CODE [--out FILE]""";
}
