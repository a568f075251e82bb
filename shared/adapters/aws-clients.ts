// AWS SDK clients, created once per execution environment. Endpoints follow the standard
// AWS_ENDPOINT_URL_<SERVICE> variables, which is how the local runtime points them at itself.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

let rawDynamo: DynamoDBClient | undefined;
let dynamo: DynamoDBDocumentClient | undefined;
let eventBridge: EventBridgeClient | undefined;
let sqs: SQSClient | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  dynamo ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return dynamo;
}

/** The raw client, for libraries (Powertools idempotency) that take one. */
export function dynamoClient(): DynamoDBClient {
  rawDynamo ??= new DynamoDBClient({});
  return rawDynamo;
}

export function eventBridgeClient(): EventBridgeClient {
  eventBridge ??= new EventBridgeClient({});
  return eventBridge;
}

export function sqsClient(): SQSClient {
  sqs ??= new SQSClient({});
  return sqs;
}
