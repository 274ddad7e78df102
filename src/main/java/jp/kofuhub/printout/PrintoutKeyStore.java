package jp.kofuhub.printout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A municipality's printout keys on disk: {@code <dir>/<団体コード>.p12}, a PKCS#12 protected by {@code
 * kofu.keys.password}, one private-key entry per key (alias = key id), each with a self-signed
 * certificate whose validity is the key's (docs/keys.md "Printout keys"). Adding a key ({@link
 * #add}) keeps the others: rotation with overlap is adding the next key before the current one
 * expires.
 */
public final class PrintoutKeyStore {

    private PrintoutKeyStore() {}

    public static Path file(Path dir, String municipality) {
        return dir.resolve(municipality + ".p12");
    }

    /** The municipality's keys, oldest first; empty when it has no key file. */
    public static List<PrintoutKey> read(Path dir, String municipality, char[] password) {
        Path f = file(dir, municipality);
        if (!Files.isRegularFile(f)) {
            return List.of();
        }
        try (InputStream in = Files.newInputStream(f)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            List<PrintoutKey> keys = new ArrayList<>();
            for (String alias : Collections.list(ks.aliases())) {
                if (!ks.isKeyEntry(alias)) {
                    continue;
                }
                X509Certificate cert = (X509Certificate) ks.getCertificate(alias);
                ECPublicKey pub = (ECPublicKey) cert.getPublicKey();
                keys.add(
                        new PrintoutKey(
                                municipality,
                                PrintoutKey.kidOf(pub),
                                pub,
                                (ECPrivateKey) ks.getKey(alias, password),
                                cert.getNotBefore().toInstant(),
                                cert.getNotAfter().toInstant()));
            }
            keys.sort(Comparator.comparing(PrintoutKey::notBefore));
            return keys;
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException(
                    "cannot read the printout keys of " + municipality + " from " + f, e);
        }
    }

    /**
     * Makes a new key valid from {@code notBefore} until {@code notAfter} and adds it to the
     * municipality's file (made when missing, readable by its owner only).
     */
    public static PrintoutKey add(
            Path dir, String municipality, char[] password, Instant notBefore, Instant notAfter) {
        if (!municipality.matches("\\d{6}")) {
            throw new IllegalArgumentException("a 団体コード has 6 digits");
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("the key must end after it starts");
        }
        try {
            Files.createDirectories(dir);
            Path f = file(dir, municipality);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            if (Files.isRegularFile(f)) {
                try (InputStream in = Files.newInputStream(f)) {
                    ks.load(in, password);
                }
            } else {
                ks.load(null, password);
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = g.generateKeyPair();
            X500Name name = new X500Name("CN=printout " + municipality + ",O=Kofu Hub");
            X509Certificate cert =
                    new JcaX509CertificateConverter()
                            .getCertificate(
                                    new JcaX509v3CertificateBuilder(
                                                    name,
                                                    new BigInteger(64, new SecureRandom()),
                                                    Date.from(notBefore),
                                                    Date.from(notAfter),
                                                    name,
                                                    pair.getPublic())
                                            .build(
                                                    new JcaContentSignerBuilder("SHA256withECDSA")
                                                            .build(pair.getPrivate())));
            ECPublicKey pub = (ECPublicKey) pair.getPublic();
            PrintoutKey key =
                    new PrintoutKey(
                            municipality,
                            PrintoutKey.kidOf(pub),
                            pub,
                            (ECPrivateKey) pair.getPrivate(),
                            cert.getNotBefore().toInstant(),
                            cert.getNotAfter().toInstant());
            ks.setKeyEntry(key.kidText(), pair.getPrivate(), password, new Certificate[] {cert});
            Path tmp = Files.createTempFile(dir, municipality, ".p12.tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ks.store(out, password);
            }
            ownerOnly(tmp);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (IOException
                | GeneralSecurityException
                | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot add a printout key for " + municipality, e);
        }
    }

    private static void ownerOnly(Path f) {
        try {
            Files.setPosixFilePermissions(
                    f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: the folder's permissions protect it
        }
    }
}
