// The static web client (static-web/dist), served behind Front Door at /*. Content is uploaded
// with the SWA CLI and the deployment token (docs/deploy.md); no repository is linked.
param name string

@description('Static Web Apps run in a few regions only (e.g. westeurope, eastus2, centralus, westus2, eastasia).')
param location string

param tags object = {}

@description('Free for small deployments; Standard adds an SLA, more custom domains and private endpoints.')
param skuName string = 'Free'

resource site 'Microsoft.Web/staticSites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
  }
  properties: {
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

output NAME string = site.name
output DEFAULT_HOST_NAME string = site.properties.defaultHostname
