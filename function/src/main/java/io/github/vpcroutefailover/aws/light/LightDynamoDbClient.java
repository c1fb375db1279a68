package io.github.vpcroutefailover.aws.light;

import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.runtime.transform.Marshaller;
import software.amazon.awssdk.protocols.core.ExceptionMetadata;
import software.amazon.awssdk.protocols.json.AwsJsonProtocol;
import software.amazon.awssdk.protocols.json.AwsJsonProtocolFactory;
import software.amazon.awssdk.protocols.json.JsonOperationMetadata;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.*;
import software.amazon.awssdk.services.dynamodb.transform.*;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * A {@link DynamoDbClient} for the controller's cold path: the item operations our stores call, through
 * {@link LightTransport} with the SDK's generated marshallers and JSON 1.0 protocol handlers, so items, conditions,
 * {@code ConditionalCheckFailedException} and {@code TransactionCanceledException} with its cancellation reasons
 * are exactly the SDK's. Table administration (create, TTL, the waiter: {@code OwnershipTable.create}, a CLI and
 * test path) goes to a real SDK client built on first use with the same region, credentials and endpoint. Any other
 * operation throws {@link UnsupportedOperationException}. LightClientsCoverageTest keeps the list in step with
 * the stores. Why it exists: BENCHMARKS.md "Cold controller".
 */
public final class LightDynamoDbClient implements DynamoDbClient {
    private static final JsonOperationMetadata JSON = JsonOperationMetadata.builder().hasStreamingSuccessResponse(false)
            .isPayloadJson(true).build();

    private final LightTransport transport;
    private final AwsJsonProtocolFactory protocol;
    private final Supplier<DynamoDbClient> sdk;

    LightDynamoDbClient(LightTransport transport, Supplier<DynamoDbClient> sdk) {
        this.transport = transport;
        this.sdk = sdk;
        this.protocol = AwsJsonProtocolFactory.builder()
                .clientConfiguration(transport.protocolConfiguration())
                .defaultServiceExceptionSupplier(DynamoDbException::builder)
                .protocol(AwsJsonProtocol.AWS_JSON)
                .protocolVersion("1.0")
                .build();
    }

    private <I extends SdkRequest, O extends AwsResponse> O call(String operation, I request, Marshaller<I> marshaller,
                                                                 Supplier<? extends SdkPojo> response) {
        return transport.call(operation, request, marshaller, protocol.createResponseHandler(JSON, response::get),
                protocol.createErrorResponseHandler(JSON, LightDynamoDbClient::exception));
    }

    /** DynamoDB's error codes to the SDK's modeled exceptions (the subset its item and transaction calls return). */
    static Optional<ExceptionMetadata> exception(String code) {
        return switch (code) {
            case "ConditionalCheckFailedException" -> meta(code, ConditionalCheckFailedException::builder, 400);
            case "TransactionCanceledException" -> meta(code, TransactionCanceledException::builder, 400);
            case "TransactionConflictException" -> meta(code, TransactionConflictException::builder, 400);
            case "TransactionInProgressException" -> meta(code, TransactionInProgressException::builder, 400);
            case "IdempotentParameterMismatchException" -> meta(code, IdempotentParameterMismatchException::builder, 400);
            case "ProvisionedThroughputExceededException" -> meta(code, ProvisionedThroughputExceededException::builder, 400);
            case "RequestLimitExceeded" -> meta(code, RequestLimitExceededException::builder, 400);
            case "ThrottlingException" -> meta(code, ThrottlingException::builder, 400);
            case "ResourceNotFoundException" -> meta(code, ResourceNotFoundException::builder, 400);
            case "ResourceInUseException" -> meta(code, ResourceInUseException::builder, 400);
            case "LimitExceededException" -> meta(code, LimitExceededException::builder, 400);
            case "ItemCollectionSizeLimitExceededException" -> meta(code, ItemCollectionSizeLimitExceededException::builder, 400);
            case "ReplicatedWriteConflictException" -> meta(code, ReplicatedWriteConflictException::builder, 400);
            case "InternalServerError" -> meta(code, InternalServerErrorException::builder, 500);
            default -> Optional.empty();
        };
    }

    private static Optional<ExceptionMetadata> meta(String code, Supplier<? extends SdkPojo> builder, int status) {
        return Optional.of(ExceptionMetadata.builder().errorCode(code).exceptionBuilderSupplier(builder::get).httpStatusCode(status).build());
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        // Nothing held between calls; the fallback SDK client, if built, lives as long as the process.
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        return call("GetItem", request, new GetItemRequestMarshaller(protocol), GetItemResponse::builder);
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        return call("PutItem", request, new PutItemRequestMarshaller(protocol), PutItemResponse::builder);
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        return call("UpdateItem", request, new UpdateItemRequestMarshaller(protocol), UpdateItemResponse::builder);
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        return call("DeleteItem", request, new DeleteItemRequestMarshaller(protocol), DeleteItemResponse::builder);
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        return call("Query", request, new QueryRequestMarshaller(protocol), QueryResponse::builder);
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        return call("TransactWriteItems", request, new TransactWriteItemsRequestMarshaller(protocol), TransactWriteItemsResponse::builder);
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
        return call("BatchGetItem", request, new BatchGetItemRequestMarshaller(protocol), BatchGetItemResponse::builder);
    }

    @Override
    public CreateTableResponse createTable(CreateTableRequest request) {
        return sdk.get().createTable(request);
    }

    @Override
    public UpdateTimeToLiveResponse updateTimeToLive(UpdateTimeToLiveRequest request) {
        return sdk.get().updateTimeToLive(request);
    }

    @Override
    public DescribeTableResponse describeTable(DescribeTableRequest request) {
        return sdk.get().describeTable(request);
    }

    @Override
    public DynamoDbWaiter waiter() {
        return sdk.get().waiter();
    }
}
