// Reads OMA DDF XML (the LWM2M object definition format of the OMA
// registry, schema LWM2M.xsd) into ObjectDefinitions.
//
// Strict about what the model depends on: ObjectID, Name, MultipleInstances,
// Mandatory and each Item's ID, Name, Operations, MultipleInstances,
// Mandatory and Type must be present and valid, ids in range and unique;
// unknown Types are errors. Lenient about the rest (descriptions, missing
// Units/RangeEnumeration, extra elements). Malformed XML is an error.
#ifndef LWCL_LWM2M_DDF_PARSER_H_
#define LWCL_LWM2M_DDF_PARSER_H_

#include <optional>
#include <string_view>
#include <vector>

#include "lwm2m/content_format.h"
#include "lwm2m/object_definition.h"

namespace lwcl::lwm2m {

// Appends every <Object> of the document's <LWM2M> root to `out` (nothing on
// error).
std::optional<CodecError> ParseDdf(std::string_view xml, std::vector<ObjectDefinition>* out);

// "Unsigned Integer" -> kUnsignedInteger etc.; "" -> kNone; nullopt if unknown.
std::optional<DataType> DataTypeFromDdfName(std::string_view name);

}  // namespace lwcl::lwm2m

#endif  // LWCL_LWM2M_DDF_PARSER_H_
