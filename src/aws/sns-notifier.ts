/** Notifier on SNS: security alerts to the alerts topic, job events to the notifications topic. */

import type { SNSClientConfig } from '@aws-sdk/client-sns';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Notifier } from '../jobs/types.ts';
import type { EventPublisher } from '../retention/types.ts';

export interface SnsNotifierOptions {
  alertsTopicArn: string;
  notificationsTopicArn: string | null;
  client?: SNSClient;
  clientConfig?: SNSClientConfig;
}

/** Creates the SNS Notifier. Messages carry ids and reasons only, never tokens or tenant data. */
export function createSnsNotifier(options: SnsNotifierOptions): Notifier & EventPublisher {
  const client = options.client ?? new SNSClient(options.clientConfig ?? {});
  return {
    async alert(alert) {
      await client.send(
        new PublishCommand({
          TopicArn: options.alertsTopicArn,
          Subject: `handover security event: ${alert.event}`.slice(0, 99),
          Message: JSON.stringify(alert),
          MessageAttributes: { event: { DataType: 'String', StringValue: alert.event } },
        }),
      );
    },
    notify: (event) => publish(event),
    publish: (event) => publish(event),
  };

  async function publish(event: { type: string; tenant: string }): Promise<void> {
    if (!options.notificationsTopicArn) return;
    await client.send(
      new PublishCommand({
        TopicArn: options.notificationsTopicArn,
        Message: JSON.stringify(event),
        MessageAttributes: {
          type: { DataType: 'String', StringValue: event.type },
          tenant: { DataType: 'String', StringValue: event.tenant },
        },
      }),
    );
  }
}
