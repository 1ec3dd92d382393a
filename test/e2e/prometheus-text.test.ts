import { describe, expect, it } from "vitest";
import { ExpositionError, parseExposition, sumOf } from "./prometheus-text.js";

const VALID = `# HELP riel_http_requests_total HTTP requests, with a \\\\ and a \\n in the help.
# TYPE riel_http_requests_total counter
riel_http_requests_total{method="POST",route="/v1/payments",status="202"} 3
riel_http_requests_total{method="GET",route="/v1/payments/:paymentId",status="200",} 2 1700000000000
# a comment
# HELP riel_lag Lag.
# TYPE riel_lag gauge
riel_lag{topic="a \\"quoted\\" \\\\ name\\nnext"} -1.5e3
riel_lag{topic="b"} NaN
# HELP riel_seconds Latency.
# TYPE riel_seconds histogram
riel_seconds_bucket{route="/x",le="0.1"} 1
riel_seconds_bucket{route="/x",le="1"} 2
riel_seconds_bucket{route="/x",le="+Inf"} 2
riel_seconds_sum{route="/x"} 0.35
riel_seconds_count{route="/x"} 2
# HELP riel_q Quantiles.
# TYPE riel_q summary
riel_q{quantile="0.5"} 1
riel_q_sum 4
riel_q_count 3
`;

const broken = (text: string): (() => unknown) => () => parseExposition(text);

describe("the Prometheus text format reader the metrics tests use", () => {
  it("reads families, types, help, labels with escapes, and values", () => {
    const families = parseExposition(VALID);
    expect([...families.keys()]).toEqual(["riel_http_requests_total", "riel_lag", "riel_seconds", "riel_q"]);
    expect(families.get("riel_http_requests_total")?.help).toBe("HTTP requests, with a \\ and a \n in the help.");
    expect(families.get("riel_seconds")?.type).toBe("histogram");
    expect(families.get("riel_lag")?.samples[0]?.labels.topic).toBe('a "quoted" \\ name\nnext');
    expect(families.get("riel_lag")?.samples[0]?.value).toBe(-1500);
    expect(sumOf(families, "riel_http_requests_total")).toBe(5);
    expect(sumOf(families, "riel_http_requests_total", { method: "POST" })).toBe(3);
    expect(sumOf(families, "riel_seconds_count", { route: "/x" })).toBe(2);
  });

  it.each([
    ["a last line without its line feed", "# HELP a_total A.\n# TYPE a_total counter\na_total 1"],
    ["a bad metric name", "# HELP 1a A.\n"],
    ["a bad label name", '# HELP a A.\n# TYPE a gauge\na{1x="y"} 1\n'],
    ["a reserved label name", '# HELP a A.\n# TYPE a gauge\na{__name__="y"} 1\n'],
    ["a label given twice", '# HELP a A.\n# TYPE a gauge\na{x="1",x="2"} 1\n'],
    ["an unknown escape in a label value", '# HELP a A.\n# TYPE a gauge\na{x="\\t"} 1\n'],
    ["an unclosed label value", '# HELP a A.\n# TYPE a gauge\na{x="1} 1\n'],
    ["no value", "# HELP a A.\n# TYPE a gauge\na\n"],
    ["a value that is not a number", "# HELP a A.\n# TYPE a gauge\na one\n"],
    ["a bad timestamp", "# HELP a A.\n# TYPE a gauge\na 1 1.5\n"],
    ["an unknown type", "# HELP a A.\n# TYPE a meter\n"],
    ["a second TYPE", "# HELP a A.\n# TYPE a gauge\n# TYPE a gauge\n"],
    ["TYPE after samples", "# HELP a A.\na 1\n# TYPE a gauge\n"],
    ["a metric split in two groups", "# HELP a A.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b gauge\nb 1\na{x=\"2\"} 2\n"],
    ["the same series twice", '# HELP a A.\n# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n'],
    ["no help text", "# TYPE a gauge\na 1\n"],
    ["a counter not ending in _total", "# HELP a A.\n# TYPE a counter\na 1\n"],
    ["a negative counter", "# HELP a_total A.\n# TYPE a_total counter\na_total -1\n"],
    ["a gauge with a _sum sample", "# HELP a A.\n# TYPE a gauge\na_sum 1\n"],
    ["a histogram without +Inf", '# HELP h H.\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ["decreasing buckets", '# HELP h H.\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="2"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n'],
    ["+Inf bucket not equal to _count", '# HELP h H.\n# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n'],
    ["a bucket without le", "# HELP h H.\n# TYPE h histogram\nh_bucket 1\n"],
  ])("refuses %s", (_why, text) => {
    expect(broken(text)).toThrow(ExpositionError);
  });
});
