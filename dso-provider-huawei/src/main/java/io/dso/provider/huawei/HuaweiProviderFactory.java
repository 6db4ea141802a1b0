package io.dso.provider.huawei;

import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.http.HttpConfig;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.region.CsmsRegion;
import io.dso.provider.ProviderContext;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretProviderFactory;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code huawei} provider type: Huawei Cloud CSMS, loaded as a plugin from {@code plugins/huawei/}. */
public final class HuaweiProviderFactory implements SecretProviderFactory {
  private static final Logger LOG = LoggerFactory.getLogger(HuaweiProviderFactory.class);

  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public String type() {
    return "huawei";
  }

  @Override
  public List<String> validate(Map<String, Object> config) {
    return HuaweiSettings.validate(config);
  }

  @Override
  public SecretProvider create(ProviderContext context) {
    HuaweiSettings settings = HuaweiSettings.from(context.config(), context.environment());
    URI endpoint = settings.endpoint();
    if (endpoint != null && "http".equals(endpoint.getScheme()) && !loopback(endpoint.getHost())) {
      // Requests are signed, but secret values would cross the network in clear.
      LOG.warn("provider '{}': endpoint {} is plain http to a non-loopback host; secret values travel unencrypted, use https",
          context.name(), endpoint);
    }
    return new CsmsProvider(context.name(), settings, client(context.name(), settings));
  }

  private static CsmsClient client(String name, HuaweiSettings settings) {
    HttpConfig http = HttpConfig.getDefaultHttpConfig()
        .withConnectionTimeout((int) settings.connectTimeout().toSeconds())
        .withReadTimeout((int) settings.readTimeout().toSeconds());
    BasicCredentials credentials = new BasicCredentials()
        .withAk(settings.accessKey())
        .withSk(settings.secretKey())
        .withProjectId(settings.projectId());
    if (settings.securityToken() != null) {
      credentials.withSecurityToken(settings.securityToken());
    }
    var builder = CsmsClient.newBuilder().withHttpConfig(http).withCredential(credentials);
    if (endpoint(settings) != null) {
      builder.withEndpoints(List.of(endpoint(settings)));
    } else {
      try {
        builder.withRegion(CsmsRegion.valueOf(settings.region()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("provider '" + name + "': CSMS has no known endpoint for region '" + settings.region()
            + "'; check the region name (e.g. cn-north-4, ap-southeast-1) or set 'endpoint'", e);
      }
    }
    return builder.build();
  }

  private static String endpoint(HuaweiSettings settings) {
    if (settings.endpoint() == null) {
      return null;
    }
    String e = settings.endpoint().toString();
    return e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
  }

  private static boolean loopback(String host) {
    return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
  }
}
