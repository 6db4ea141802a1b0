package io.dso.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Recomputes an AWS Signature Version 4 the way AWS does (canonical request, string to sign, derived
 * key) so that a fake AWS endpoint accepts only requests a real one would accept.
 */
public final class AwsSigV4Verifier {
  private static final Pattern AUTH = Pattern.compile(
      "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})");

  /** The parsed credential scope of a request that carried a well-formed SigV4 header. */
  public record Scope(String accessKeyId, String date, String region, String service, List<String> signedHeaders, String signature) {}

  private AwsSigV4Verifier() {}

  /** The scope of an Authorization header, or null when it is not a SigV4 header at all. */
  public static Scope parse(String authorization) {
    if (authorization == null) {
      return null;
    }
    Matcher m = AUTH.matcher(authorization.strip());
    if (!m.matches()) {
      return null;
    }
    return new Scope(m.group(1), m.group(2), m.group(3), m.group(4), List.of(m.group(5).split(";")), m.group(6));
  }

  /**
   * True when the signature matches.
   *
   * @param header a request header's values by lower-case name
   */
  public static boolean verify(Scope scope, String method, String path, String query, Function<String, List<String>> header,
      byte[] body, String secretAccessKey) {
    StringBuilder canonical = new StringBuilder()
        .append(method).append('\n').append(path).append('\n').append(query == null ? "" : query).append('\n');
    for (String h : scope.signedHeaders()) {
      List<String> values = header.apply(h);
      if (values == null) {
        return false;
      }
      canonical.append(h.toLowerCase(Locale.ROOT)).append(':')
          .append(String.join(",", values.stream().map(v -> v.strip().replaceAll(" +", " ")).toList())).append('\n');
    }
    List<String> contentSha = header.apply("x-amz-content-sha256");
    String payloadHash = contentSha != null && !contentSha.isEmpty() ? contentSha.get(0) : hex(sha256(body));
    canonical.append('\n').append(String.join(";", scope.signedHeaders())).append('\n').append(payloadHash);
    List<String> amzDate = header.apply("x-amz-date");
    if (amzDate == null || amzDate.isEmpty() || !amzDate.get(0).startsWith(scope.date())) {
      return false;
    }
    String credentialScope = scope.date() + "/" + scope.region() + "/" + scope.service() + "/aws4_request";
    String toSign = "AWS4-HMAC-SHA256\n" + amzDate.get(0) + "\n" + credentialScope + "\n"
        + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), scope.date());
    key = hmac(key, scope.region());
    key = hmac(key, scope.service());
    key = hmac(key, "aws4_request");
    return MessageDigest.isEqual(hex(hmac(key, toSign)).getBytes(StandardCharsets.US_ASCII),
        scope.signature().getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
