package io.github.vpcroutefailover.aws.light;

import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Paged reads as the adapters make them, on models ({@link Ec2Api}) and on XML answers ({@link XmlAnswers}) alike. */
public final class Pages {
    private Pages() {
    }

    /**
     * Every page of a paged read, in order: the next page is asked for while the answer carries a non-empty token (the
     * SDK paginators' rule), and a server that answers the token it was sent is an error rather than a loop until the
     * deadline.
     *
     * @param withToken the first request with the next page's token
     */
    public static <Q, R> void each(String call, Q first, Function<Q, R> fetch, Function<R, String> nextToken, BiFunction<Q, String, Q> withToken,
                                   Consumer<R> read) {
        Q request = first;
        String token = null;
        while (true) {
            R page = fetch.apply(request);
            read.accept(page);
            String next = nextToken.apply(page);
            if (next == null || next.isEmpty()) {
                return;
            }
            if (next.equals(token)) {
                throw SdkClientException.create(call + " answered the page token it was sent (" + next + ") as the next one");
            }
            token = next;
            request = withToken.apply(first, next);
        }
    }
}
