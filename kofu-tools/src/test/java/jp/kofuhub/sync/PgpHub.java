package jp.kofuhub.sync;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import jp.kofuhub.keys.PgpFiles;
import jp.kofuhub.support.TestHub;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;

/**
 * Test hubs for {@link PgpSyncScenarios}: as {@link TestHub}, but with signed and encrypted files
 * required ({@code kofu.sync.pgp.required=true}), an inbox that also takes {@code .kexp.pgp}, a
 * work folder of their own for decrypted files, and the {@code ZEI} source's public key replaced by
 * a revoked copy (revocation signature made with zei's own secret key). A context of its own next
 * to the shared one, with its own inbox and quarantine folders; same databases. Rows are in 990007
 * only.
 */
final class PgpHub {

    private PgpHub() {}

    private static Map<String, Object> pgp(TestHub.Work w) {
        Map<String, Object> p = new HashMap<>();
        p.put("kofu.sync.pgp.required", "true");
        p.put(
                "kofu.sync.inbox-uri",
                "file:"
                        + w.inbox()
                        + "?include=.*\\.kexp(\\.pgp)?&sortBy=file:name&delete=true&delay=100");
        p.put("kofu.sync.pgp.work-dir", w.dir().resolve("sync-work").toString());
        p.put("kofu.sync.pgp.source-keys.ZEI", revokedZei(w.dir()).toString());
        return p;
    }

    /** zei's public key with a key revocation signature on it. */
    static Path revokedZei(Path work) {
        Path target = work.resolve("zei-revoked.pgp.pub");
        try {
            PGPSecretKey secret =
                    PgpFiles.signingKey(PgpFiles.secretKeys(TestHub.KEYS.resolve("zei.pgp.sec")));
            PGPPrivateKey key = PgpFiles.unlock(secret, "changeit-demo".toCharArray());
            PGPSignatureGenerator g =
                    new PGPSignatureGenerator(
                            new JcaPGPContentSignerBuilder(
                                            secret.getPublicKey().getAlgorithm(),
                                            HashAlgorithmTags.SHA256)
                                    .setProvider(PgpFiles.BC),
                            secret.getPublicKey());
            g.init(PGPSignature.KEY_REVOCATION, key);
            PGPSignature revocation = g.generateCertification(secret.getPublicKey());
            PGPPublicKeyRing ring =
                    PgpFiles.publicKeys(TestHub.KEYS.resolve("zei.pgp.pub")).getKeyRings().next();
            PGPPublicKey revoked = PGPPublicKey.addCertification(ring.getPublicKey(), revocation);
            ring = PGPPublicKeyRing.insertPublicKey(ring, revoked);
            try (OutputStream out =
                    ArmoredOutputStream.builder()
                            .clearHeaders()
                            .build(Files.newOutputStream(target))) {
                ring.encode(out);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        }
    }

    /** In-memory H2 (the shared test database), own folders, signed files required. */
    static class H2 extends TestHub {
        H2() {
            super(hub("h2-pgp").with(PgpHub::pgp));
        }
    }

    /** The embedded PostgreSQL 15 (the shared test server), own folders, signed files required. */
    static class Postgres extends TestHub {
        Postgres() {
            super(hub("postgres-pgp").postgres().with(PgpHub::pgp));
        }
    }
}
