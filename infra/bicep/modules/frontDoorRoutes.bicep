// Routing of the one public domain (docs/deploy.md, the Front Door row): the web client and the
// API share one origin, so the browser needs no CORS and the client's Content-Security-Policy can
// say 'self' for the API.
//   /api/* and /health               -> api function app
//   /federation/* and /.well-known/* -> federation function app
//   /fanout/health                   -> fanout function app (its only HTTP route)
//   /*                               -> static web app, with the client's security headers
// Front Door picks the most specific pattern, so /* only catches what the others do not.
// Nothing is cached: API answers are per user and the static client is small. Each app's origin
// group probes that app's /health, which reports the queue transport actually in use.
param profileName string
param endpointName string

@description('Resource id of the custom domain, or empty to serve only the *.azurefd.net host.')
param customDomainId string = ''

param apiHostName string
param federationHostName string
param fanoutHostName string
param staticWebHostName string

@description('SignalR Service host the browser connects to (CSP connect-src).')
param signalRHostName string

@description('Blob endpoint host of the storage account; avatars and attachments are fetched from short-lived signed links (CSP img-src/connect-src).')
param storageBlobHostName string

@description('Seconds between health probes of each origin (Front Door allows 5-255).')
param probeIntervalInSeconds int = 120

var backends = [
  {
    name: 'api'
    hostName: apiHostName
    patterns: [
      '/api/*'
      '/health'
    ]
    probePath: '/health'
  }
  {
    name: 'federation'
    hostName: federationHostName
    patterns: [
      '/federation/*'
      '/.well-known/*'
    ]
    probePath: '/federation/health'
  }
  {
    name: 'fanout'
    hostName: fanoutHostName
    patterns: [
      '/fanout/health'
    ]
    probePath: '/fanout/health'
  }
  {
    name: 'web'
    hostName: staticWebHostName
    patterns: [
      '/*'
    ]
    probePath: '/'
  }
]

// The web client's Content-Security-Policy: scripts, styles and the API only from this origin;
// realtime from the SignalR Service (https negotiate redirect + wss), blobs from Storage. No inline
// script, no eval (WebAssembly crypto needs 'wasm-unsafe-eval' only), no framing.
var contentSecurityPolicy = join([
  'default-src \'self\''
  'script-src \'self\' \'wasm-unsafe-eval\''
  'style-src \'self\''
  'img-src \'self\' blob: data: https://${storageBlobHostName}'
  'media-src \'self\' blob:'
  'connect-src \'self\' https://${signalRHostName} wss://${signalRHostName} https://${storageBlobHostName}'
  'worker-src \'self\' blob:'
  'font-src \'self\''
  'object-src \'none\''
  'base-uri \'none\''
  'form-action \'self\''
  'frame-ancestors \'none\''
  'upgrade-insecure-requests'
], '; ')

var webHeaders = [
  {
    name: 'Content-Security-Policy'
    value: contentSecurityPolicy
  }
  {
    name: 'Strict-Transport-Security'
    value: 'max-age=31536000; includeSubDomains'
  }
  {
    name: 'X-Content-Type-Options'
    value: 'nosniff'
  }
  {
    name: 'Referrer-Policy'
    value: 'no-referrer'
  }
  {
    name: 'Permissions-Policy'
    value: 'camera=(), microphone=(), geolocation=()'
  }
]

resource profile 'Microsoft.Cdn/profiles@2025-04-15' existing = {
  name: profileName
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2025-04-15' existing = {
  parent: profile
  name: endpointName
}

// One origin per group. Probes are on anyway: they show each app's health (and its transport) in
// Front Door's origin health metrics, and with a single origin Front Door keeps routing even when
// the probe fails, so a probe can never take an app off the air by itself.
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
      healthProbeSettings: {
        probePath: backend.probePath
        probeRequestType: 'GET'
        probeProtocol: 'Https'
        probeIntervalInSeconds: probeIntervalInSeconds
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

resource webRuleSet 'Microsoft.Cdn/profiles/ruleSets@2025-04-15' = {
  parent: profile
  name: 'webclient'
}

resource webHeadersRule 'Microsoft.Cdn/profiles/ruleSets/rules@2025-04-15' = {
  parent: webRuleSet
  name: 'securityheaders'
  properties: {
    order: 1
    conditions: []
    actions: [
      for header in webHeaders: {
        name: 'ModifyResponseHeader'
        parameters: {
          typeName: 'DeliveryRuleHeaderActionParameters'
          headerAction: 'Overwrite'
          headerName: header.name
          value: header.value
        }
      }
    ]
    matchProcessingBehavior: 'Continue'
  }
}

// A route may only be created once its origin group has an origin, hence the explicit dependsOn.
@batchSize(1)
resource routes 'Microsoft.Cdn/profiles/afdEndpoints/routes@2025-04-15' = [
  for (backend, i) in backends: {
    parent: endpoint
    name: backend.name
    dependsOn: [
      origins
      webHeadersRule
    ]
    properties: {
      originGroup: {
        id: originGroups[i].id
      }
      ruleSets: backend.name == 'web'
        ? [
            {
              id: webRuleSet.id
            }
          ]
        : []
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

output CONTENT_SECURITY_POLICY string = contentSecurityPolicy
output ROUTE_NAMES array = [for (backend, i) in backends: routes[i].name]
