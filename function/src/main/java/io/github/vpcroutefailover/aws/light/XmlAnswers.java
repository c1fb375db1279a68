package io.github.vpcroutefailover.aws.light;

import java.time.DateTimeException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.http.HttpResponseHandler;
import software.amazon.awssdk.protocols.query.unmarshall.XmlDomParser;
import software.amazon.awssdk.protocols.query.unmarshall.XmlElement;

/**
 * Reading an XML answer (EC2's and CloudWatch's Query protocols) by wire names instead of through the SDK's response
 * models, which are the largest cost of a cold reconcile's first invocation (BENCHMARKS.md "Cold controller", seventh
 * look). Each adapter that reads this way also keeps its model path for the SDK's generated clients, and a test reads
 * the same bytes both ways and requires equal results, so a wrong wire name fails a test rather than reading as absent.
 */
public final class XmlAnswers {
    private XmlAnswers() {
    }

    /**
     * The success answer's document element, which must be {@code <OperationResponse>}. Stricter than the SDK's
     * handler on purpose: it reads an empty body, or an HTML page from a proxy, as an answer with no members, which
     * for a list of instances would look like "none exist"; here either is an error (not retried, like a malformed
     * answer under the SDK).
     */
    static HttpResponseHandler<XmlElement> handler(String service, String operation) {
        return (response, attributes) -> {
            XmlElement root = XmlDomParser.parse(response.content()
                    .orElseThrow(() -> SdkClientException.create(service + " answered " + operation + " with HTTP " + response.statusCode() + " and no body")));
            if (!(operation + "Response").equals(root.elementName())) {
                throw SdkClientException.create(service + " answered " + operation + " with HTTP " + response.statusCode() + " but a document that is not "
                        + operation + "Response (" + (root.elementName() == null ? "empty" : "<" + root.elementName() + ">")
                        + "): is a proxy in the way of the endpoint?");
            }
            return root;
        };
    }

    /**
     * Every page of an XML answer, each read as it arrives: the SDK paginators' rule (the next page while the answer
     * carries a non-empty token), except that a token repeated by the server is an error rather than a loop until the
     * deadline. A member that does not read (a non-numeric index, a malformed time) is an {@link SdkClientException},
     * as the SDK's unmarshaller reports it.
     *
     * @param call      service and operation for messages, e.g. {@code Ec2.DescribeInstances}
     * @param nextToken where the page's token is ({@code nextToken} at the root for EC2, in the result for CloudWatch)
     * @param fetch     one call: null for the first page, else the token of the page before
     */
    public static void eachPage(String call, Function<XmlElement, String> nextToken, Function<String, XmlElement> fetch, Consumer<XmlElement> read) {
        Pages.each(call, (String) null, fetch, nextToken, (first, token) -> token, page -> {
            try {
                read.accept(page);
            } catch (NumberFormatException | DateTimeException e) {
                throw SdkClientException.create(call + " answer could not be read: " + e.getMessage(), e);
            }
        });
    }

    /** The members of a list ({@code <name><item/>...</name>} in EC2, {@code <member/>} in CloudWatch); none when absent. */
    public static List<XmlElement> items(XmlElement parent, String list) {
        XmlElement e = child(parent, list);
        return e == null ? List.of() : e.children();
    }

    /** A member's text, or null when the member (or its parent) is absent, as the SDK's models read it. */
    public static String text(XmlElement parent, String member) {
        XmlElement e = child(parent, member);
        return e == null ? null : e.textContent();
    }

    /** The first member of that name, as the SDK's unmarshaller takes it (a repeated one is not an error there). */
    public static XmlElement child(XmlElement parent, String member) {
        if (parent == null) {
            return null;
        }
        List<XmlElement> found = parent.getElementsByName(member);
        return found.isEmpty() ? null : found.get(0);
    }

    /** A boolean member as the SDK reads it ({@code Boolean.parseBoolean}: anything but "true", any case, is false); null when absent. */
    public static Boolean bool(XmlElement parent, String member) {
        String t = text(parent, member);
        return t == null ? null : Boolean.parseBoolean(t);
    }
}
