// The one SQS call handlers make: SendMessage (AWS JSON 1.0), used to put a rejected message
// on a dead-letter queue with its reason. MD5 digests follow SQS so the SDK's checks pass.
import { randomUUID } from "node:crypto";
import { md5, md5OfStringAttributes } from "./sqs-digests.ts";

export interface DeadLetterTarget {
  send(body: string, attributes: Record<string, string>, reason: string): string;
}

interface SendMessageRequest {
  QueueUrl?: unknown;
  MessageBody?: unknown;
  MessageAttributes?: Record<string, { DataType?: string; StringValue?: string }>;
}

export class SqsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendMessage(
  request: SendMessageRequest,
  queueByUrlPath: (path: string) => DeadLetterTarget | undefined,
) {
  if (
    typeof request.QueueUrl !== "string" ||
    typeof request.MessageBody !== "string" ||
    request.MessageBody === ""
  ) {
    throw new SqsApiError(
      "InvalidParameterValue",
      "QueueUrl and a non-empty MessageBody are required.",
    );
  }
  const target = queueByUrlPath(new URL(request.QueueUrl).pathname);
  if (!target) throw new SqsApiError("QueueDoesNotExist", "The specified queue does not exist.");
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.MessageAttributes ?? {})) {
    if (value.DataType !== "String" || typeof value.StringValue !== "string") {
      throw new SqsApiError(
        "InvalidParameterValue",
        `Message attribute ${name}: only String attributes are supported locally.`,
      );
    }
    attributes[name] = value.StringValue;
  }
  const messageId = target.send(
    request.MessageBody,
    attributes,
    attributes.rejectionReason ?? "sent by a handler",
  );
  return {
    MessageId: messageId || randomUUID(),
    MD5OfMessageBody: md5(Buffer.from(request.MessageBody, "utf8")),
    ...(Object.keys(attributes).length
      ? { MD5OfMessageAttributes: md5OfStringAttributes(attributes) }
      : {}),
  };
}
