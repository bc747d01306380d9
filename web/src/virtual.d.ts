// The object definitions vite.config.ts reads from lwm2m/objects/*.xml.
declare module "virtual:lwm2m-objects" {
  export interface ResourceDef { id: number; name: string; ops: string; type: string; multiple: boolean; units: string }
  export interface ObjectDef { id: number; name: string; multiple: boolean; resources: ResourceDef[] }
  const objects: ObjectDef[];
  export default objects;
}
