package io.dso.provider.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context for {@code ca_cert} (PEM bundle trusted instead of the JDK's roots) and
 * {@code client_cert}/{@code client_key} (PEM certificate chain and PKCS#8 PEM key, for Vault's TLS
 * certificate auth or a mutual-TLS listener). Null when none is configured: the JDK defaults apply.
 */
final class VaultTls {
  private VaultTls() {}

  static SSLContext context(Path caCert, Path clientCert, Path clientKey) {
    if (caCert == null && clientCert == null) {
      return null;
    }
    try {
      TrustManagerFactory tmf = null;
      if (caCert != null) {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (Certificate c : certificates(caCert, "ca_cert")) {
          trust.setCertificateEntry("ca-" + i++, c);
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (clientCert != null) {
        KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
        keys.load(null, null);
        char[] none = new char[0];
        keys.setKeyEntry("client", privateKey(clientKey),
            none, certificates(clientCert, "client_cert").toArray(Certificate[]::new));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, none);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      // The exception text never holds key material, only what could not be parsed.
      throw new IllegalArgumentException("cannot set up TLS from ca_cert/client_cert/client_key: "
          + e.getClass().getSimpleName() + "; use PEM files (the key in PKCS#8, 'BEGIN PRIVATE KEY')", e);
    }
  }

  private static List<Certificate> certificates(Path file, String key) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(key + " " + file + " holds no PEM certificate");
      }
      return List.copyOf(certs);
    }
  }

  private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    int start = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("client_key " + file
          + " is not a PKCS#8 PEM key ('BEGIN PRIVATE KEY'); convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + 27, end));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException wrongAlgorithm) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("client_key " + file + " is neither an RSA, EC nor Ed25519 key");
  }
}
