// Routing of the one public domain (docs/deploy.md, the Front Door row):
//   /api/* and /health            -> api function app
//   /federation/* and /.well-known/* -> federation function app
//   /*                             -> static web app
// Front Door picks the most specific pattern, so /* only catches what the others do not.
// Nothing is cached: API answers are per user and the static client is small.
param profileName string
param endpointName string

@description('Resource id of the custom domain, or empty to serve only the *.azurefd.net host.')
param customDomainId string = ''

param apiHostName string
param federationHostName string
param staticWebHostName string

var backends = [
  {
    name: 'api'
    hostName: apiHostName
    patterns: [
      '/api/*'
      '/health'
    ]
  }
  {
    name: 'federation'
    hostName: federationHostName
    patterns: [
      '/federation/*'
      '/.well-known/*'
    ]
  }
  {
    name: 'web'
    hostName: staticWebHostName
    patterns: [
      '/*'
    ]
  }
]

resource profile 'Microsoft.Cdn/profiles@2025-04-15' existing = {
  name: profileName
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2025-04-15' existing = {
  parent: profile
  name: endpointName
}

// One origin per group, so health probes are off (Front Door's advice for single-origin groups).
resource originGroups 'Microsoft.Cdn/profiles/originGroups@2025-04-15' = [
  for backend in backends: {
    parent: profile
    name: backend.name
    properties: {
      loadBalancingSettings: {
        sampleSize: 4
        successfulSamplesRequired: 3
        additionalLatencyInMilliseconds: 50
      }
      sessionAffinityState: 'Disabled'
    }
  }
]

resource origins 'Microsoft.Cdn/profiles/originGroups/origins@2025-04-15' = [
  for (backend, i) in backends: {
    parent: originGroups[i]
    name: backend.name
    properties: {
      hostName: backend.hostName
      originHostHeader: backend.hostName
      httpPort: 80
      httpsPort: 443
      priority: 1
      weight: 1000
      enabledState: 'Enabled'
      enforceCertificateNameCheck: true
    }
  }
]

// A route may only be created once its origin group has an origin, hence the explicit dependsOn.
@batchSize(1)
resource routes 'Microsoft.Cdn/profiles/afdEndpoints/routes@2025-04-15' = [
  for (backend, i) in backends: {
    parent: endpoint
    name: backend.name
    dependsOn: [
      origins
    ]
    properties: {
      originGroup: {
        id: originGroups[i].id
      }
      customDomains: empty(customDomainId)
        ? []
        : [
            {
              id: customDomainId
            }
          ]
      supportedProtocols: [
        'Http'
        'Https'
      ]
      patternsToMatch: backend.patterns
      forwardingProtocol: 'HttpsOnly'
      linkToDefaultDomain: 'Enabled'
      httpsRedirect: 'Enabled'
      enabledState: 'Enabled'
    }
  }
]

output ROUTE_NAMES array = [for (backend, i) in backends: routes[i].name]
