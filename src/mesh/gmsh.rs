//! Gmsh MSH reader (4.1 ASCII/binary, 2.2 ASCII): placeholder, filled by the mesh-input work.
