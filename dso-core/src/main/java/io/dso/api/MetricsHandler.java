package io.dso.api;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /metrics}: Prometheus text format, or OpenMetrics when the scraper's {@code Accept}
 * asks for it. Protobuf is not built in, so such requests get text.
 */
public final class MetricsHandler extends Handler.Abstract.NonBlocking {
  private final PrometheusRegistry registry;
  private final ExpositionFormats formats = ExpositionFormats.init();

  public MetricsHandler(PrometheusRegistry registry) {
    this.registry = registry;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (!path.equals("/metrics")) {
      return Responses.error(response, callback, 404, "not found; metrics are at /metrics");
    }
    if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
      return Responses.error(response, callback, 405, "use GET /metrics");
    }
    ExpositionFormatWriter writer = formats.findWriter(request.getHeaders().get(HttpHeader.ACCEPT));
    if (!writer.isAvailable()) {
      writer = formats.getPrometheusTextFormatWriter();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    writer.write(out, registry.scrape());
    return Responses.send(response, callback, 200, writer.getContentType(), out.toByteArray());
  }
}
