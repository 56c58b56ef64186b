// The channel-event work queue in Azure (Queue__Transport=ServiceBus): one topic, one subscription
// per consumer app. MessageId is the event id, so duplicate detection drops re-publishes of the
// outbox sweep inside the window; consumers are idempotent beyond it.
// Keyless: local (SAS) authentication is disabled and no authorization rule exists. The apps use
// Microsoft Entra ID (Queue__ServiceBusConnection__fullyQualifiedNamespace) with the data roles of
// rbac.bicep: senders on the topic, receivers on their own subscription.
param name string
param location string
param tags object = {}

@description('Standard is the smallest tier with topics; Premium adds isolation and predictable latency.')
param skuName string = 'Standard'

@description('Messaging units, Premium only.')
param premiumCapacity int = 1

param topicName string

@description('Subscriptions on the topic, one per consuming app.')
param subscriptionNames array

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
    capacity: skuName == 'Premium' ? premiumCapacity : null
  }
  properties: {
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    disableLocalAuth: true
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
    defaultMessageTimeToLive: 'P7D'
    enableBatchedOperations: true
    supportOrdering: false
  }
}

resource subscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [
  for subscriptionName in subscriptionNames: {
    parent: topic
    name: subscriptionName
    properties: {
      lockDuration: 'PT1M'
      maxDeliveryCount: 10
      deadLetteringOnMessageExpiration: true
      deadLetteringOnFilterEvaluationExceptions: true
      defaultMessageTimeToLive: 'P7D'
      enableBatchedOperations: true
    }
  }
]

output NAME string = namespace.name
output TOPIC_NAME string = topic.name
@description('Host name the apps connect to (Queue__ServiceBusConnection__fullyQualifiedNamespace).')
output FULLY_QUALIFIED_NAMESPACE string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
