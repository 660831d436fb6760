# The HTML viewer: web/viewer.html with its CSS, its script and the vendored
# Cytoscape.js (web/node_modules, from scripts/vendor-js) become two byte
# arrays in a generated C file of the build tree.  The generator runs on every
# build and rewrites the file only when it changes, so running
# scripts/vendor-js and then rebuilding brings the viewer in; without
# node_modules the file says the viewer is absent and every other format
# still builds.

set(AG_WEB_DIR ${PROJECT_SOURCE_DIR}/web)
set(AG_VIEWER_C ${PROJECT_BINARY_DIR}/generated/viewer_data.c)
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/generated)

add_executable(ag_embed tools/ag_embed.c)
target_compile_options(ag_embed PRIVATE ${AG_WARNINGS})

add_custom_target(ag_viewer_data
  COMMAND ag_embed ${AG_VIEWER_C} ${AG_WEB_DIR}/viewer.html
          viewer.css=${AG_WEB_DIR}/viewer.css
          viewer.js=${AG_WEB_DIR}/viewer.js
          cytoscape?=${AG_WEB_DIR}/node_modules/cytoscape/dist/cytoscape.min.js
  BYPRODUCTS ${AG_VIEWER_C}
  COMMENT "Embedding the HTML viewer"
  VERBATIM)

target_sources(actorgraph_lib PRIVATE ${AG_VIEWER_C})
add_dependencies(actorgraph_lib ag_viewer_data)
