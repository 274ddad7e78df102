package jp.kofuhub.render;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.GregorianCalendar;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.ExternalSigningSupport;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Signs a rendered certificate PDF on behalf of the municipality: an incremental update adding one
 * invisible PAdES baseline B-B signature (filter Adobe.PPKLite, subfilter ETSI.CAdES.detached). The
 * CMS SignedData is detached, SHA-256, carries the ESS signing-certificate-v2 attribute and the
 * certificate chain of the keystore; as PAdES requires, it has no CMS signing-time attribute: the
 * claimed signing time is the signature dictionary's /M, taken from the {@link Clock}.
 *
 * <p>The key and chain are read once from a PKCS#12 file; the password is used for that and not
 * kept. After construction the signer holds only immutable state (key, certificates, the
 * precomputed ESS attribute), so {@link #sign} may be called from many threads at once: each call
 * loads its own document and builds its own JCA signature and CMS generator.
 */
public class PdfSigner {

    /** PDFBox's constant is for the older PKCS#7 subfilters; PAdES uses this one. */
    static final COSName SUBFILTER_ETSI_CADES_DETACHED = COSName.getPDFName("ETSI.CAdES.detached");

    private static final int MIN_SIGNATURE_SIZE = 0x2500;

    private final PrivateKey key;
    private final X509Certificate signer;
    private final List<X509Certificate> chain;
    private final String signatureAlgorithm;
    private final String signerName;
    private final String location;
    private final Clock clock;
    private final Attribute signingCertificateV2;
    private final int signatureSize;

    /**
     * @param keystore PKCS#12 file with the signing key and its certificate chain (signer first)
     * @param password the keystore password, also used for the key entry; not kept
     * @param alias the key entry to use; null when the keystore holds exactly one key entry
     * @param location the municipality, written as the signature's /Location
     * @param clock the source of the signing time (/M)
     */
    public PdfSigner(Path keystore, char[] password, String alias, String location, Clock clock) {
        this.location = Objects.requireNonNull(location, "location");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, password);
            }
            String entry = alias == null ? onlyKeyEntry(ks, keystore) : alias;
            if (!ks.isKeyEntry(entry)) {
                throw new IllegalArgumentException(
                        "keystore " + keystore.getFileName() + " has no key entry '" + entry + "'");
            }
            this.key = (PrivateKey) ks.getKey(entry, password);
            Certificate[] certs = ks.getCertificateChain(entry);
            if (certs == null || certs.length == 0) {
                throw new IllegalArgumentException(
                        "key entry '"
                                + entry
                                + "' of "
                                + keystore.getFileName()
                                + " has no certificate chain");
            }
            List<X509Certificate> list = new ArrayList<>();
            for (Certificate c : certs) {
                list.add((X509Certificate) c);
            }
            this.chain = Collections.unmodifiableList(list);
            this.signer = list.get(0);
            checkKeyUsage(signer);
            this.signatureAlgorithm =
                    switch (key.getAlgorithm()) {
                        case "RSA" -> "SHA256withRSA";
                        case "EC" -> "SHA256withECDSA";
                        default ->
                                throw new IllegalArgumentException(
                                        "unsupported signing key algorithm " + key.getAlgorithm());
                    };
            checkKeyMatchesCertificate(key, signer, signatureAlgorithm);
            this.signerName = commonName(signer);
            this.signingCertificateV2 = signingCertificateV2(signer);
            int certBytes = 0;
            for (X509Certificate c : list) {
                certBytes += c.getEncoded().length;
            }
            // certificates + signature value + attributes, with room to spare; /Contents is hex
            this.signatureSize = Math.max(MIN_SIGNATURE_SIZE, certBytes + 4096);
        } catch (IOException | GeneralSecurityException e) {
            // never the password: the message of a wrong password is the JDK's own, without it
            throw new IllegalStateException(
                    "cannot read the signing key from "
                            + keystore.getFileName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** The signing key (also signs the metadata of the hub's answers: AnswerSignature). */
    public PrivateKey privateKey() {
        return key;
    }

    /** SHA256withRSA or SHA256withECDSA, by the key. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** The signer's certificate (first of the chain). */
    public X509Certificate certificate() {
        return signer;
    }

    /** The chain as stored in the keystore, signer first. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /**
     * Returns {@code pdf} with one more revision holding the signature; the bytes of {@code pdf}
     * are the start of the result unchanged. Fails (IllegalStateException) if the signing
     * certificate is not valid at the clock's time: a signature with an expired certificate would
     * be refused by every reader.
     */
    public byte[] sign(byte[] pdf, String reason) {
        ZonedDateTime now = ZonedDateTime.now(clock);
        try {
            signer.checkValidity(Date.from(now.toInstant()));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new IllegalStateException(
                    "the signing certificate is not valid at " + now + ": " + e.getMessage(), e);
        }
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDSignature signature = new PDSignature();
            signature.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            signature.setSubFilter(SUBFILTER_ETSI_CADES_DETACHED);
            signature.setName(signerName);
            signature.setLocation(location);
            if (reason != null) {
                signature.setReason(reason);
            }
            signature.setSignDate(GregorianCalendar.from(now));
            ByteArrayOutputStream out =
                    new ByteArrayOutputStream(pdf.length + 2 * signatureSize + 4096);
            try (SignatureOptions options = new SignatureOptions()) {
                options.setPreferredSignatureSize(signatureSize);
                doc.addSignature(signature, options);
                ExternalSigningSupport external = doc.saveIncrementalForExternalSigning(out);
                byte[] signedBytes;
                try (InputStream content = external.getContent()) {
                    signedBytes = content.readAllBytes();
                }
                external.setSignature(cms(signedBytes));
            }
            return out.toByteArray();
        } catch (IOException
                | GeneralSecurityException
                | CMSException
                | OperatorCreationException e) {
            throw new IllegalStateException(
                    "cannot sign the certificate PDF: " + e.getMessage(), e);
        }
    }

    /** The detached CMS SignedData over the byte ranges of the document. */
    private byte[] cms(byte[] signedBytes)
            throws GeneralSecurityException, OperatorCreationException, CMSException, IOException {
        ContentSigner contentSigner = new JcaContentSignerBuilder(signatureAlgorithm).build(key);
        SignerInfoGenerator signerInfo =
                new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                        .setSignedAttributeGenerator(
                                new PadesSignedAttributes(signingCertificateV2))
                        .build(contentSigner, signer);
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        generator.addSignerInfoGenerator(signerInfo);
        generator.addCertificates(new JcaCertStore(chain));
        CMSSignedData data = generator.generate(new CMSProcessableByteArray(signedBytes), false);
        byte[] der = data.getEncoded(ASN1Encoding.DER);
        if (der.length > signatureSize) {
            throw new IllegalStateException(
                    "the CMS signature ("
                            + der.length
                            + " bytes) exceeds the reserved "
                            + signatureSize);
        }
        return der;
    }

    /**
     * BC's defaults (content type, message digest, CMS algorithm protection) plus
     * signing-certificate-v2, minus signing-time, which PAdES baseline forbids.
     */
    private static final class PadesSignedAttributes implements CMSAttributeTableGenerator {
        private final Attribute signingCertificateV2;

        PadesSignedAttributes(Attribute signingCertificateV2) {
            this.signingCertificateV2 = signingCertificateV2;
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public AttributeTable getAttributes(Map parameters) {
            Hashtable<ASN1ObjectIdentifier, Object> table =
                    new DefaultSignedAttributeTableGenerator()
                            .getAttributes(parameters)
                            .toHashtable();
            table.remove(CMSAttributes.signingTime);
            table.put(PKCSObjectIdentifiers.id_aa_signingCertificateV2, signingCertificateV2);
            return new AttributeTable(table);
        }
    }

    static Attribute signingCertificateV2(X509Certificate cert) throws GeneralSecurityException {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
        X509CertificateHolder holder = new JcaX509CertificateHolder(cert);
        IssuerSerial issuerSerial =
                new IssuerSerial(
                        new GeneralNames(new GeneralName(holder.getIssuer())),
                        holder.getSerialNumber());
        // SHA-256 is ESSCertIDv2's default hash algorithm: the identifier is left out of the
        // encoding
        ESSCertIDv2 id = new ESSCertIDv2(hash, issuerSerial);
        return new Attribute(
                PKCSObjectIdentifiers.id_aa_signingCertificateV2,
                new DERSet(new SigningCertificateV2(id)));
    }

    private static String onlyKeyEntry(KeyStore ks, Path file) throws GeneralSecurityException {
        List<String> keys = new ArrayList<>();
        for (String a : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(a)) {
                keys.add(a);
            }
        }
        if (keys.size() != 1) {
            throw new IllegalArgumentException(
                    "keystore "
                            + file.getFileName()
                            + " holds "
                            + keys.size()
                            + " key entries: name the alias of the signing key");
        }
        return keys.get(0);
    }

    /**
     * A keystore whose first certificate is not the key's would give signatures no reader accepts.
     */
    private static void checkKeyMatchesCertificate(
            PrivateKey key, X509Certificate cert, String algorithm)
            throws GeneralSecurityException {
        byte[] probe = "kofu-hub key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(algorithm);
        s.initSign(key);
        s.update(probe);
        byte[] value = s.sign();
        Signature v = Signature.getInstance(algorithm);
        v.initVerify(cert.getPublicKey());
        v.update(probe);
        if (!v.verify(value)) {
            throw new IllegalArgumentException(
                    "the signing key does not match the first certificate of its chain");
        }
    }

    private static void checkKeyUsage(X509Certificate cert) {
        boolean[] usage = cert.getKeyUsage();
        // bits 0 digitalSignature, 1 nonRepudiation (contentCommitment)
        if (usage != null && !(usage[0] || (usage.length > 1 && usage[1]))) {
            throw new IllegalArgumentException(
                    "the signing certificate's key usage allows neither digitalSignature nor nonRepudiation");
        }
    }

    static String commonName(X509Certificate cert) throws GeneralSecurityException {
        X500Name subject = new JcaX509CertificateHolder(cert).getSubject();
        RDN[] cn = subject.getRDNs(BCStyle.CN);
        if (cn.length == 0) {
            return subject.toString();
        }
        return IETFUtils.valueToString(cn[0].getFirst().getValue());
    }
}
