// The channel-event work queue in Azure (Queue__Transport=ServiceBus): one topic, one subscription
// per consumer app. MessageId is the event id, so duplicate detection drops re-publishes of the
// outbox sweep inside the window; consumers are idempotent beyond it.
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

param keyVaultName string
param connectionSecretName string

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
    disableLocalAuth: false
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

// Send + Listen only (no Manage): the apps publish and consume, they never create entities.
resource appsRule 'Microsoft.ServiceBus/namespaces/authorizationRules@2024-01-01' = {
  parent: namespace
  name: 'd3chat-apps'
  properties: {
    rights: [
      'Send'
      'Listen'
    ]
  }
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource connectionSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: connectionSecretName
  properties: {
    value: appsRule.listKeys().primaryConnectionString
    contentType: 'text/plain'
  }
}

output NAME string = namespace.name
output TOPIC_NAME string = topic.name
output CONNECTION_REF_URI string = connectionSecret.properties.secretUri
