package jp.kofuhub.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jp.kofuhub.support.Pdfs;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The city's PAdES signature on a rendered certificate: read back by PDFBox and Bouncy Castle, and
 * checked by poppler's pdfsig (an independent reader) when it is installed.
 */
class PdfSignerTest {

    static final String SIGNER_CN = "北広島市長 テスト署名";
    static final String LOCATION = "北海道北広島市";
    static final String REASON = "住民票の写しの発行";
    static final char[] PASSWORD = "test-only-password".toCharArray();
    static final Instant NOW = Instant.parse("2026-11-25T01:30:00Z");

    @TempDir static Path dir;

    static TestPki pki;
    static PdfSigner signer;
    static byte[] unsigned;
    static int unsignedPages;

    @BeforeAll
    static void setUp() throws Exception {
        FontChain fonts =
                FontChain.load(Path.of("config/fop.xconf"), Path.of("."), List.of("IPAexMincho"));
        PdfRenderer.RenderedPdf pdf =
                new PdfRenderer(fonts, Path.of("."))
                        .render(PdfRendererTest.fo("juminhyo-household"));
        unsigned = pdf.getBytes();
        unsignedPages = pdf.getPages();
        pki = TestPki.create(SIGNER_CN, NOW);
        Path p12 = pki.writeKeystore(dir.resolve("city.p12"), "city", PASSWORD);
        signer =
                new PdfSigner(
                        p12, PASSWORD, null, LOCATION, Clock.fixed(NOW, ZoneId.of("Asia/Tokyo")));
    }

    @Test
    void oneSignatureCoveringTheWholeFileThatVerifiesWithTheSignerCertificate() throws Exception {
        byte[] signed = signer.sign(unsigned, REASON);

        // an incremental update: the rendered file is kept byte for byte
        assertThat(signed.length).isGreaterThan(unsigned.length);
        assertThat(Arrays.equals(signed, 0, unsigned.length, unsigned, 0, unsigned.length))
                .isTrue();

        try (PDDocument doc = Loader.loadPDF(signed)) {
            List<PDSignature> sigs = doc.getSignatureDictionaries();
            assertThat(sigs).hasSize(1);
            PDSignature sig = sigs.get(0);
            assertThat(sig.getFilter()).isEqualTo("Adobe.PPKLite");
            assertThat(sig.getSubFilter()).isEqualTo("ETSI.CAdES.detached");
            assertThat(sig.getName()).isEqualTo(SIGNER_CN);
            assertThat(sig.getLocation()).isEqualTo(LOCATION);
            assertThat(sig.getReason()).isEqualTo(REASON);
            assertThat(sig.getSignDate().toInstant()).isEqualTo(NOW);

            // [0, a, b, c]: everything but the hex string <...> of /Contents
            int[] range = sig.getByteRange();
            assertThat(range).hasSize(4);
            assertThat(range[0]).isZero();
            assertThat(range[2] + range[3]).isEqualTo(signed.length);
            assertThat(signed[range[1]]).isEqualTo((byte) '<');
            assertThat(signed[range[2] - 1]).isEqualTo((byte) '>');

            CMSSignedData cms =
                    new CMSSignedData(
                            new CMSProcessableByteArray(sig.getSignedContent(signed)),
                            sig.getContents(signed));
            SignerInformation info = cms.getSignerInfos().getSigners().iterator().next();
            assertThat(cms.getSignerInfos().size()).isEqualTo(1);
            assertThat(info.getDigestAlgOID()).isEqualTo("2.16.840.1.101.3.4.2.1"); // SHA-256
            AttributeTable attrs = info.getSignedAttributes();
            assertThat(attrs.get(PKCSObjectIdentifiers.id_aa_signingCertificateV2)).isNotNull();
            assertThat(attrs.get(CMSAttributes.signingTime))
                    .as("PAdES: signing time is /M, not a CMS attribute")
                    .isNull();
            // the chain travels with the signature
            assertThat(cms.getCertificates().getMatches(null)).hasSize(2);
            assertThat(info.verify(verifier())).isTrue();
        }
        assertThat(verifies(signed)).isTrue();
    }

    @Test
    void theTextLayerAndThePagesAreUnchanged() throws Exception {
        byte[] signed = signer.sign(unsigned, REASON);
        assertThat(Pdfs.pages(signed)).isEqualTo(unsignedPages).isEqualTo(Pdfs.pages(unsigned));
        assertThat(Pdfs.text(signed)).isEqualTo(Pdfs.text(unsigned)).contains("住民票");
    }

    @Test
    void aFlippedByteInTheSignedRangeBreaksTheSignature() throws Exception {
        byte[] signed = signer.sign(unsigned, REASON);
        byte[] tampered = tamperInFirstStream(signed);
        assertThat(verifies(tampered)).isFalse();
    }

    @Test
    void pdfsigAcceptsTheSignatureAndRejectsATamperedFile() throws Exception {
        Assumptions.assumeTrue(
                pdfsigInstalled(), "poppler's pdfsig is not installed (Debian: poppler-utils)");
        byte[] signed = signer.sign(unsigned, REASON);
        Path good = Files.write(dir.resolve("signed.pdf"), signed);
        String out = pdfsig(good);
        assertThat(out)
                .contains("Signature #1:")
                .doesNotContain("Signature #2:")
                .contains("Signer Certificate Common Name: " + SIGNER_CN)
                .contains("Signature Validation: Signature is Valid.")
                .contains("Signature Type: ETSI.CAdES.detached")
                .contains("Total document signed");

        Path bad = Files.write(dir.resolve("tampered.pdf"), tamperInFirstStream(signed));
        String tampered = pdfsig(bad);
        assertThat(tampered)
                .contains("Signature #1:")
                .doesNotContain("Signature is Valid.")
                .contains("Digest Mismatch");
    }

    @Test
    void anEcP256KeySignsToo() throws Exception {
        TestPki ec = TestPki.create("Kofu Hub EC Test Signer", NOW, true);
        Path p12 = ec.writeKeystore(dir.resolve("city-ec.p12"), "city-ec", PASSWORD);
        byte[] signed =
                new PdfSigner(
                                p12,
                                PASSWORD,
                                "city-ec",
                                LOCATION,
                                Clock.fixed(NOW, ZoneId.of("Asia/Tokyo")))
                        .sign(unsigned, REASON);
        try (PDDocument doc = Loader.loadPDF(signed)) {
            PDSignature sig = doc.getSignatureDictionaries().get(0);
            CMSSignedData cms =
                    new CMSSignedData(
                            new CMSProcessableByteArray(sig.getSignedContent(signed)),
                            sig.getContents(signed));
            SignerInformation info = cms.getSignerInfos().getSigners().iterator().next();
            assertThat(info.getEncryptionAlgOID())
                    .isEqualTo("1.2.840.10045.4.3.2"); // ecdsa-with-SHA256
            assertThat(info.verify(new JcaSimpleSignerInfoVerifierBuilder().build(ec.signerCert)))
                    .isTrue();
        }
        if (pdfsigInstalled()) {
            String out = pdfsig(Files.write(dir.resolve("signed-ec.pdf"), signed));
            assertThat(out)
                    .contains("Signature Validation: Signature is Valid.")
                    .contains("Signer Certificate Common Name: Kofu Hub EC Test Signer");
        }
    }

    @Test
    void concurrentSigningFromFourThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String reason = REASON + " " + i;
                results.add(pool.submit(() -> signer.sign(unsigned, reason)));
            }
            for (int i = 0; i < results.size(); i++) {
                byte[] signed = results.get(i).get(2, TimeUnit.MINUTES);
                assertThat(verifies(signed)).isTrue();
                try (PDDocument doc = Loader.loadPDF(signed)) {
                    assertThat(doc.getSignatureDictionaries()).hasSize(1);
                    assertThat(doc.getSignatureDictionaries().get(0).getReason())
                            .isEqualTo(REASON + " " + i);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeystoreWithoutTheNamedAliasOrWithAWrongPasswordIsRefusedWithoutShowingThePassword()
            throws Exception {
        Path p12 = pki.writeKeystore(dir.resolve("other.p12"), "city", PASSWORD);
        Clock clock = Clock.fixed(NOW, ZoneId.of("Asia/Tokyo"));
        assertThatThrownBy(() -> new PdfSigner(p12, PASSWORD, "nobody", LOCATION, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nobody");
        char[] wrong = "wrong-password-xyz".toCharArray();
        assertThatThrownBy(() -> new PdfSigner(p12, wrong, null, LOCATION, clock))
                .isInstanceOf(IllegalStateException.class)
                .satisfies(
                        e ->
                                assertThat(e.getMessage())
                                        .doesNotContain("wrong-password-xyz")
                                        .doesNotContain("test-only-password"));
    }

    @Test
    void anExpiredSigningCertificateIsRefused() throws Exception {
        Path p12 = pki.writeKeystore(dir.resolve("late.p12"), "city", PASSWORD);
        PdfSigner late =
                new PdfSigner(
                        p12,
                        PASSWORD,
                        "city",
                        LOCATION,
                        Clock.fixed(NOW.plus(400, ChronoUnit.DAYS), ZoneId.of("Asia/Tokyo")));
        assertThatThrownBy(() -> late.sign(unsigned, REASON))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not valid");
    }

    /** Not a check: prints the median time of one signature (issue #7, item 3). */
    @Test
    void measureTimePerSignature() {
        for (int i = 0; i < 30; i++) {
            signer.sign(unsigned, REASON);
        }
        long[] nanos = new long[50];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            signer.sign(unsigned, REASON);
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        System.out.printf(
                "PdfSigner: median %.2f ms per signature (50 runs after warm-up, PDF %d bytes, %s)%n",
                (nanos[24] + nanos[25]) / 2e6, unsigned.length, pki.signerCert.getSigAlgName());
    }

    // ---- helpers

    static SignerInformationVerifier verifier() throws Exception {
        return new JcaSimpleSignerInfoVerifierBuilder().build(pki.signerCert);
    }

    /**
     * The one signature of {@code pdf} verifies with the signer certificate over its byte range.
     */
    static boolean verifies(byte[] pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDSignature sig = doc.getSignatureDictionaries().get(0);
            CMSSignedData cms =
                    new CMSSignedData(
                            new CMSProcessableByteArray(sig.getSignedContent(pdf)),
                            sig.getContents(pdf));
            SignerInformation info = cms.getSignerInfos().getSigners().iterator().next();
            return info.verify(verifier());
        } catch (CMSException e) {
            return false; // BC reports a digest mismatch as an exception
        }
    }

    /**
     * A copy with one byte flipped inside the data of the first stream (a page's content or font).
     */
    static byte[] tamperInFirstStream(byte[] signed) throws IOException {
        String latin = new String(signed, StandardCharsets.ISO_8859_1);
        int stream = latin.indexOf("stream\n");
        assertThat(stream).isPositive();
        int at = stream + "stream\n".length() + 10;
        try (PDDocument doc = Loader.loadPDF(signed)) {
            assertThat(at).isLessThan(doc.getSignatureDictionaries().get(0).getByteRange()[1]);
        }
        byte[] copy = signed.clone();
        copy[at] ^= 0x01;
        return copy;
    }

    static boolean pdfsigInstalled() {
        return jp.kofuhub.support.OnPath.has("pdfsig");
    }

    static String pdfsig(Path pdf) throws Exception {
        Process p = new ProcessBuilder("pdfsig", pdf.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = out.toString(StandardCharsets.UTF_8);
        System.out.println(
                "pdfsig " + pdf.getFileName() + " (exit " + p.exitValue() + "):\n" + text);
        return text;
    }

    /** A throwaway CA and a signing certificate issued by it, made with Bouncy Castle. */
    static final class TestPki {
        final KeyPair caKeys;
        final X509Certificate caCert;
        final KeyPair signerKeys;
        final X509Certificate signerCert;

        private TestPki(
                KeyPair caKeys,
                X509Certificate caCert,
                KeyPair signerKeys,
                X509Certificate signerCert) {
            this.caKeys = caKeys;
            this.caCert = caCert;
            this.signerKeys = signerKeys;
            this.signerCert = signerCert;
        }

        static TestPki create(String signerCn, Instant now) throws Exception {
            return create(signerCn, now, false);
        }

        /** RSA 2048 CA; the signer's key is RSA 2048 or, with {@code ecSigner}, EC P-256. */
        static TestPki create(String signerCn, Instant now, boolean ecSigner) throws Exception {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            KeyPair caKeys = rsa.generateKeyPair();
            KeyPair signerKeys;
            if (ecSigner) {
                KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
                ec.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
                signerKeys = ec.generateKeyPair();
            } else {
                signerKeys = rsa.generateKeyPair();
            }
            Date from = Date.from(now.minus(1, ChronoUnit.DAYS));
            Date to = Date.from(now.plus(365, ChronoUnit.DAYS));
            X500Name caName = new X500Name("CN=Kofu Hub Test CA,O=Kofu Hub Tests,C=JP");
            X509v3CertificateBuilder ca =
                    new JcaX509v3CertificateBuilder(
                                    caName, BigInteger.ONE, from, to, caName, caKeys.getPublic())
                            .addExtension(
                                    Extension.basicConstraints, true, new BasicConstraints(true))
                            .addExtension(
                                    Extension.keyUsage,
                                    true,
                                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate caCert =
                    toX509(
                            ca.build(
                                    new JcaContentSignerBuilder("SHA256withRSA")
                                            .build(caKeys.getPrivate())));
            X500Name signerName = new X500Name("CN=" + signerCn + ",O=Kofu Hub Tests,C=JP");
            X509v3CertificateBuilder leaf =
                    new JcaX509v3CertificateBuilder(
                                    caName,
                                    BigInteger.valueOf(2),
                                    from,
                                    to,
                                    signerName,
                                    signerKeys.getPublic())
                            .addExtension(
                                    Extension.basicConstraints, true, new BasicConstraints(false))
                            .addExtension(
                                    Extension.keyUsage,
                                    true,
                                    new KeyUsage(
                                            KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            X509Certificate signerCert =
                    toX509(
                            leaf.build(
                                    new JcaContentSignerBuilder("SHA256withRSA")
                                            .build(caKeys.getPrivate())));
            signerCert.verify(caKeys.getPublic());
            return new TestPki(caKeys, caCert, signerKeys, signerCert);
        }

        private static X509Certificate toX509(X509CertificateHolder holder) throws Exception {
            return new JcaX509CertificateConverter().getCertificate(holder);
        }

        Path writeKeystore(Path file, String alias, char[] password) throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            PrivateKey key = signerKeys.getPrivate();
            ks.setKeyEntry(alias, key, password, new Certificate[] {signerCert, caCert});
            try (OutputStream out = Files.newOutputStream(file)) {
                ks.store(out, password);
            }
            return file;
        }
    }
}
